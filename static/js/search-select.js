// Search-as-you-type for long selects (kawasaki/lookups.py). A <select data-search-select="<lookup>">
// holds only the chosen option(s); this script puts a search field beside it that asks
// /m/<municipality>/lookups/<lookup>/?q=&page= and writes the choice back into the select, which the
// form submits as before. Without JavaScript the plain select still works.
(function () {
  "use strict";
  var match = window.location.pathname.match(/^\/m\/([^/]+)\//);
  if (!match) { return; }
  var base = "/m/" + match[1] + "/lookups/";

  function text(el, value) { el.textContent = value; return el; }

  function enhance(select) {
    if (select.dataset.searchReady) { return; }
    select.dataset.searchReady = "1";
    var multiple = select.multiple;
    var form = select.form;
    var depends = select.dataset.dependsOn ? form && form.elements[select.dataset.dependsOn] : null;
    var wrap = document.createElement("div");
    wrap.className = "search-select";
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.className = "search-select__input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-autocomplete", "list");
    input.placeholder = select.dataset.placeholder || "";
    if (select.id) {
      var label = document.querySelector("label[for='" + select.id + "']");
      if (label) { label.htmlFor = select.id + "-search"; }
      input.id = select.id + "-search";
    }
    var list = document.createElement("ul");
    list.className = "search-select__list";
    list.setAttribute("role", "listbox");
    list.id = (select.id || select.name) + "-listbox";
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var chips = document.createElement("ul");
    chips.className = "search-select__chips";
    select.hidden = true;
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(chips);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(select);

    function chosen() {
      return Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
    }
    function renderChosen() {
      chips.textContent = "";
      if (!multiple) {
        var one = chosen()[0];
        input.value = one ? one.textContent.trim() : "";
        return;
      }
      chosen().forEach(function (option) {
        var chip = text(document.createElement("li"), option.textContent.trim() + " ");
        var remove = text(document.createElement("button"), "×");
        remove.type = "button";
        remove.className = "search-select__remove";
        remove.setAttribute("aria-label", "× " + option.textContent.trim());
        remove.addEventListener("click", function () { option.remove(); renderChosen(); });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }
    function choose(id, label) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === String(id); });
      if (!multiple) {
        Array.prototype.forEach.call(select.options, function (o) { if (o.value) { o.remove(); } });
        option = null;
      }
      if (!option) {
        option = new Option(label, id);
        select.appendChild(option);
      }
      option.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
      renderChosen();
      if (multiple) { input.value = ""; }
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    var timer = null;
    var page = 1;
    function search(more) {
      page = more ? page + 1 : 1;
      var params = new URLSearchParams({ q: input.value, page: String(page) });
      if (depends) { params.set(depends.name, depends.value); }
      fetch(base + select.dataset.searchSelect + "/?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (r) { return r.ok ? r.json() : { results: [], more: false }; }).then(function (data) {
        if (!more) { list.textContent = ""; }
        var old = list.querySelector(".search-select__more");
        if (old) { old.remove(); }
        data.results.forEach(function (row, i) {
          var item = text(document.createElement("li"), row.text);
          item.setAttribute("role", "option");
          item.id = list.id + "-" + row.id;
          item.dataset.id = row.id;
          item.addEventListener("mousedown", function (e) { e.preventDefault(); choose(row.id, row.text); });
          list.appendChild(item);
        });
        if (!list.children.length) {
          var none = text(document.createElement("li"), "—");
          none.className = "search-select__none";
          list.appendChild(none);
        }
        if (data.more) {
          var next = text(document.createElement("li"), "…");
          next.className = "search-select__more";
          next.setAttribute("role", "option");
          next.addEventListener("mousedown", function (e) { e.preventDefault(); search(true); });
          list.appendChild(next);
        }
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(false); }, 200);
    });
    input.addEventListener("focus", function () { if (list.hidden) { search(false); } });
    input.addEventListener("blur", function () { setTimeout(function () { close(); renderChosen(); }, 150); });
    input.addEventListener("keydown", function (event) {
      var items = list.querySelectorAll("[role=option]");
      var active = list.querySelector(".search-select__active");
      var index = Array.prototype.indexOf.call(items, active);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { search(false); return; }
        index = event.key === "ArrowDown" ? Math.min(index + 1, items.length - 1) : Math.max(index - 1, 0);
        if (active) { active.classList.remove("search-select__active"); }
        if (items[index]) {
          items[index].classList.add("search-select__active");
          input.setAttribute("aria-activedescendant", items[index].id || "");
          items[index].scrollIntoView({ block: "nearest" });
        }
      } else if (event.key === "Enter" && active && !list.hidden) {
        event.preventDefault();
        if (active.classList.contains("search-select__more")) { search(true); }
        else { choose(active.dataset.id, active.textContent); }
      } else if (event.key === "Escape") {
        close();
      }
    });
    if (depends) {
      depends.addEventListener("change", function () {
        Array.prototype.forEach.call(select.options, function (o) { if (o.value) { o.remove(); } });
        renderChosen();
      });
    }
    renderChosen();
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-search-select]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
