// Progressive enhancement for the search page; everything works without it.
// - A browser that cannot show a closed <details>' content keeps the filter panel open on a wide
//   screen (the stylesheet shows it without a summary where it can; see site.css).
// - A ticked filter applies at once: the page with it is fetched, its filters and results take
//   the place of these, the control that was ticked keeps the focus, the new number of results is
//   said in a live region, and the address follows (Back undoes the filter). Dates, the search
//   words and the sort order still wait for their buttons.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var panel = form.querySelector("details.filters");
  var wide = window.matchMedia("(min-width: 48rem)").matches;
  if (panel && wide && !(window.CSS && CSS.supports("selector(::details-content)"))) panel.open = true;
  if (!window.fetch || !window.DOMParser || !window.history.pushState) return;

  var status = document.getElementById("search-status");
  var pending = null;

  function queryOf(target) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && !(name === "topic_mode" && value === "any")) params.append(name, value);
    });
    var query = params.toString();
    return target + (query ? "?" + query : "");
  }

  function swap(selector, from) {
    var old = document.querySelector(selector);
    var fresh = from.querySelector(selector);
    if (old && fresh) old.replaceWith(document.importNode(fresh, true));
    return old && fresh;
  }

  // The "More ... choices" lists that were open stay open.
  function openMore() {
    return Array.prototype.map.call(form.querySelectorAll("fieldset[data-facet] details.more[open]"),
      function (more) { return more.closest("fieldset").getAttribute("data-facet"); });
  }

  function update(url, focused) {
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    var results = document.getElementById("results");
    if (results) results.setAttribute("aria-busy", "true");
    return fetch(url, { credentials: "same-origin", signal: pending && pending.signal })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        var opened = openMore();
        if (!fresh.getElementById("results") || !fresh.querySelector(".filters-body")) {
          window.location.assign(url);  // not the search page: go there
          return;
        }
        // The heading and what comes before the form (a topic's name and breadcrumbs).
        var freshForm = fresh.getElementById("search-form");
        while (form.previousElementSibling) form.previousElementSibling.remove();
        while (freshForm && freshForm.parentNode.firstElementChild !== freshForm) {
          form.before(document.importNode(freshForm.parentNode.firstElementChild, true));
          freshForm.parentNode.firstElementChild.remove();
        }
        swap("#search-form .filters > summary", fresh);
        swap("#search-form .filters-body", fresh);
        swap("#results", fresh);
        swap("#search-form .notice", fresh);
        document.querySelectorAll("head link[rel='alternate']").forEach(function (link, n) {
          var other = fresh.querySelectorAll("head link[rel='alternate']")[n];
          if (other) link.href = other.getAttribute("href");
        });
        document.title = fresh.title;
        opened.forEach(function (name) {
          var more = form.querySelector("fieldset[data-facet='" + name + "'] details.more");
          if (more) more.open = true;
        });
        if (focused) {
          var again = Array.prototype.find.call(form.elements, function (element) {
            return element.name === focused.name && element.value === focused.value;
          });
          if (again) {
            var more = again.closest("details.more");
            if (more) more.open = true;
            again.focus();
          }
        }
        var count = document.getElementById("results-title");
        if (status && count) status.textContent = count.textContent.replace(/\s+/g, " ").trim();
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        window.location.assign(url);  // offline or refused: the ordinary way
      });
  }

  form.addEventListener("change", function (event) {
    var control = event.target;
    if (!control.closest(".filters-body")) return;
    if (control.type !== "checkbox" && control.type !== "radio") return;
    var url = queryOf(form.getAttribute("action"));
    history.pushState({ search: true }, "", url);
    update(url, control);
  });

  window.addEventListener("popstate", function (event) {
    var active = document.activeElement;
    if (event.state && event.state.search) update(window.location.href, active && active.form === form ? active : null);
  });
  // The page as first loaded is an entry of its own, to come back to.
  history.replaceState({ search: true }, "", window.location.href);
})();
