// The sale page: products by barcode scan, SKU or part of the name, quick picks, and a
// signal for the live total (the htmx element #sale-quote listens for "lines-changed").
// A keyboard-wedge scanner types the digits and then Enter into the item field.
(function () {
  var form = document.getElementById("sale-form");
  if (!form) return;
  var lookupUrl = form.dataset.productsUrl;
  var options = document.getElementById("product-options");
  var lastFound = [];
  var FIELDS = ["item", "unit_price", "category", "size", "colour"];

  function field(row, name) { return row.querySelector('[name$="-' + name + '"]'); }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#lines-rows .line-row")); }
  function changed() { document.body.dispatchEvent(new CustomEvent("lines-changed")); }

  function emptyRow() {
    var free = rows().filter(function (r) { return !field(r, "item").value && !field(r, "unit_price").value; });
    if (free.length) return free[0];
    document.querySelector('[data-add-row="lines"]').click();
    var all = rows();
    return all[all.length - 1];
  }

  function fill(row, product) {
    FIELDS.forEach(function (name) {
      var input = field(row, name);
      if (input) input.value = product[name] || "";
    });
    var quantity = field(row, "quantity");
    if (quantity && !quantity.value) quantity.value = "1";
    hideChoices(row);
    changed();
  }

  function fillAndMoveOn(row, product) {
    fill(row, product);
    field(emptyRow(), "item").focus();
  }

  function lookup(text) {
    return fetch(lookupUrl + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : { products: [] }; })
      .then(function (data) { lastFound = data.products; return data.products; })
      .catch(function () { return []; });
  }

  function hideChoices(row) {
    var box = row.querySelector(".line-choices");
    if (box) { box.hidden = true; box.textContent = ""; }
  }

  function showChoices(row, products) {
    var box = row.querySelector(".line-choices");
    box.textContent = "";
    products.forEach(function (product) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-primary me-2 mb-1";
      button.textContent = product.item + (product.size ? " " + product.size : "") + " · ¥" + product.unit_price;
      button.addEventListener("click", function () { fillAndMoveOn(row, product); });
      box.appendChild(button);
    });
    box.hidden = false;
  }

  // Enter in an item field looks the text up instead of submitting the sale.
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches("[data-product-lookup]")) return;
    event.preventDefault();
    var text = input.value.trim();
    var row = input.closest(".line-row");
    if (!text) return;
    lookup(text).then(function (products) {
      var exact = products.filter(function (p) { return p.item === text; });
      var product = products.length === 1 ? products[0] : exact.length === 1 ? exact[0] : null;
      if (product) fillAndMoveOn(row, product);
      else if (products.length) showChoices(row, products);
      else field(row, "unit_price").focus(); // a free-text line: the clerk types the price
    });
  });

  // Typing part of a name offers the matching products; picking one fills its price.
  var timer = null;
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches("[data-product-lookup]")) return;
    var text = input.value.trim();
    var picked = lastFound.filter(function (p) { return p.item === text; });
    if (picked.length === 1 && !field(input.closest(".line-row"), "unit_price").value) {
      fill(input.closest(".line-row"), picked[0]);
      return;
    }
    clearTimeout(timer);
    if (text.length < 2 || /^\d+$/.test(text)) return;
    timer = setTimeout(function () {
      lookup(text).then(function (products) {
        options.textContent = "";
        products.forEach(function (p) {
          var option = document.createElement("option");
          option.value = p.item;
          option.label = p.item + (p.size ? " " + p.size : "") + " ¥" + p.unit_price;
          options.appendChild(option);
        });
      });
    }, 250);
  });

  // A voucher's button in the vouchers panel puts its code into the sale; the live total
  // then shows what it takes off (or why it cannot be used).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-voucher]");
    var input = form.querySelector('[name="voucher_code"]');
    if (!button || !input) return;
    input.value = button.dataset.useVoucher;
    changed();
  });

  // Quick picks fill the first empty line.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick]");
    if (!button) return;
    fillAndMoveOn(emptyRow(), {
      item: button.dataset.item,
      unit_price: button.dataset.unitPrice,
      category: button.dataset.category,
      size: button.dataset.size,
      colour: button.dataset.colour,
    });
  });
})();
