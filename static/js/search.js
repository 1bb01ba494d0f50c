// Progressive enhancement for the search page; everything works without it.
// On a narrow screen the filter panel starts closed, so that the results come first.
(function () {
  "use strict";
  var panel = document.querySelector("#search-form details.filters");
  if (panel && window.matchMedia("(max-width: 48rem)").matches) panel.open = false;
})();
