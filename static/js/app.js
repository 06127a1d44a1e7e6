// Behaviour the templates ask for with data- attributes, so that no page needs an inline
// script, handler or style (the Content-Security-Policy allows none).
(function () {
  "use strict";

  // <div data-width="40">: a bar 40% wide (set through the CSSOM, which CSP allows).
  function applyWidths(root) {
    var bars = Array.prototype.slice.call(root.querySelectorAll("[data-width]"));
    if (root.matches && root.matches("[data-width]")) bars.push(root);
    bars.forEach(function (bar) {
      var width = parseFloat(bar.getAttribute("data-width"));
      if (!isNaN(width)) bar.style.width = Math.max(0, Math.min(100, width)) + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  // New content swapped in by htmx (a progress bar that polls, an answer saved).
  document.addEventListener("htmx:load", function (event) { applyWidths(event.detail.elt); });

  // <select data-navigate="s">: choosing an option opens ?s=<value>.
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-navigate]");
    if (select) {
      var query = new URLSearchParams();
      query.set(select.getAttribute("data-navigate"), select.value);
      location.search = "?" + query.toString();
    }
  });
})();
