// nexo studio: progressive enhancement for the server-rendered pages (no dependencies).
// Every page works without this file; it adds filter rows, column choice, local times and the
// tenant picker's auto-submit.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    // DateTime cells: the server renders UTC; add the browser's local time next to it.
    document.querySelectorAll("time.dt").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      var local = document.createElement("small");
      local.className = "local";
      local.textContent = d.toLocaleString();
      el.title = "UTC " + el.getAttribute("datetime");
      el.insertAdjacentElement("afterend", local);
    });
    // Filters: add and remove rows from the template.
    var rows = document.getElementById("filter-rows");
    var tpl = document.getElementById("filter-row");
    var add = document.getElementById("add-filter");
    if (add && rows && tpl) {
      add.addEventListener("click", function () {
        rows.appendChild(tpl.content.cloneNode(true));
      });
      rows.addEventListener("click", function (ev) {
        if (ev.target.classList.contains("rm")) {
          ev.target.closest(".filter").remove();
        }
      });
    }
    // Columns: the checked boxes become the cols parameter when the filter form is applied.
    var form = document.getElementById("filters");
    var cols = document.getElementById("cols");
    if (form && cols) {
      form.addEventListener("submit", function () {
        var boxes = form.querySelectorAll("input.col");
        var on = [];
        boxes.forEach(function (b) { if (b.checked) on.push(b.value); });
        cols.value = on.length === boxes.length ? "" : on.join(",");
      });
      form.querySelectorAll("input.col").forEach(function (b) {
        b.addEventListener("change", function () { form.requestSubmit(); });
      });
    }
    // Tenant picker: switching submits.
    var sel = document.getElementById("tenant-select");
    if (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    }
    // Null boxes: typing a value unticks NULL.
    document.querySelectorAll(".field").forEach(function (f) {
      var box = f.querySelector(".nullbox input");
      var input = f.querySelector("input[name^=v_], textarea, select");
      if (box && input) {
        input.addEventListener("input", function () { box.checked = false; });
      }
    });
  });
})();
