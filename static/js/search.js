// A ticked filter applies in place: focus kept, count said (#search-status), address follows.
(function () {
  "use strict";
  var form = document.getElementById("search-form"), pending;
  if (!form) return;
  var panel = form.querySelector("details.filters");
  if (panel && matchMedia("(min-width: 48rem)").matches && !CSS.supports("selector(::details-content)")) panel.open = true;
  if (!window.fetch || !window.AbortController) return;
  var $ = function (root, selector) { return root.querySelector(selector); };

  function update(url, focused) {
    if (pending) pending.abort();
    pending = new AbortController();
    $(document, "#results").setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal }).then(function (r) { return r.text(); }).then(function (text) {
      var fresh = new DOMParser().parseFromString(text, "text/html"), freshForm = fresh.getElementById("search-form");
      if (!freshForm || !$(fresh, "#results")) return location.assign(url);
      while (form.previousElementSibling) form.previousElementSibling.remove();
      while (freshForm.previousElementSibling) form.before(freshForm.parentNode.firstElementChild);
      ["#search-form .filters > summary", "#search-form .filters-body", "#results"].forEach(function (s) {
        $(document, s).replaceWith(document.importNode($(fresh, s), true));
      });
      document.title = fresh.title;
      var again = focused && [].find.call(form.elements, function (e) { return e.name === focused.name && e.value === focused.value; });
      if (again) {
        if (again.closest("details.more")) again.closest("details.more").open = true;
        again.focus();
      }
      $(document, "#search-status").textContent = $(document, "#results-title").textContent.replace(/\s+/g, " ").trim();
    }).catch(function (error) { if (error.name !== "AbortError") location.assign(url); });
  }

  form.addEventListener("change", function (event) {
    var control = event.target, params = new URLSearchParams();
    if (!control.closest(".filters-body") || (control.type !== "checkbox" && control.type !== "radio")) return;
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && !(name === "topic_mode" && value === "any")) params.append(name, value);
    });
    var url = form.getAttribute("action") + (params.toString() ? "?" + params : "");
    history.pushState({ search: 1 }, "", url);
    update(url, control);
  });
  addEventListener("popstate", function (event) {
    var active = document.activeElement;
    if (event.state && event.state.search) update(location.href, active && active.form === form ? active : null);
  });
  history.replaceState({ search: 1 }, "", location.href);
})();
