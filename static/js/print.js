// A button with data-print prints the page (the privacy notice at the till).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
