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

  // <input data-clears="institution">: typing in it forgets the form's field of that name
  // (a new institution name drops the institution picked from the list before).
  document.addEventListener("input", function (event) {
    var input = event.target;
    var name = input.getAttribute && input.getAttribute("data-clears");
    if (name && input.form && input.form.elements[name]) input.form.elements[name].value = "";
  });

  // A button of the institution search's list (inspections/_institution_options.html):
  // picking it fills the form's institution and its name, empties the list and lets
  // htmx know the form changed (the ledger reloads its rows).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick-institution]");
    if (!button) return;
    var form = button.closest("form");
    form.elements.institution.value = button.getAttribute("data-id");
    form.elements.institution_name.value = button.getAttribute("data-name");
    button.parentElement.replaceChildren();
    if (window.htmx) window.htmx.trigger(form, "change");
  });

  // A box ticked among the picker's search results (inspections/_pick_options.html)
  // joins the chosen ones above, so that the next search does not sweep it away.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box.matches && box.matches("[data-picker-option]")) || !box.checked) return;
    var picker = box.closest(".picker");
    if (picker) picker.querySelector(".picker-chosen").append(box.closest(".form-check"));
  });

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
