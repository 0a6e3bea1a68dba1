// A form marked data-once can be submitted once: the second click of a double click is
// dropped here, and the server's idempotency key catches anything that gets through.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.classList.add("disabled"); });
});

// Formset rows: a button with data-add-row="prefix" clones the empty form template.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-row]");
  if (!button) return;
  var prefix = button.dataset.addRow;
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById(prefix + "-empty");
  var html = template.innerHTML.replace(/__prefix__/g, total.value);
  document.getElementById(prefix + "-rows").insertAdjacentHTML("beforeend", html);
  total.value = parseInt(total.value, 10) + 1;
});

// The page's Print button (data-print): no inline handlers, the CSP forbids them.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});

// A "select all" checkbox: data-check-all="<selector of the boxes it sets>".
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-check-all]");
  if (!all) return;
  document.querySelectorAll(all.dataset.checkAll).forEach(function (box) { box.checked = all.checked; });
});

// A select that submits its form when changed (data-autosubmit).
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});

// Progress bars: data-percent sets the width (the CSP forbids style attributes).
function kedangSetProgress(root) {
  root.querySelectorAll("[data-percent]").forEach(function (bar) { bar.style.width = bar.dataset.percent + "%"; });
}
document.addEventListener("DOMContentLoaded", function () { kedangSetProgress(document); });
document.addEventListener("htmx:load", function (event) { kedangSetProgress(event.target); });
// A page the browser brings back from its back-forward cache with a form already sent
// is reloaded, so the server can say the sale was recorded instead of a dead button.
window.addEventListener("pageshow", function (event) {
  if (event.persisted && document.querySelector("form[data-once][data-submitted='1']")) window.location.reload();
});
