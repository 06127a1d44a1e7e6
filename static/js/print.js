// The 打印 button of the printable records: a script file, not an inline handler (CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
