// Sorting and filtering for the registers (docs/registers.md). The table is complete without
// this script; it only adds a filter form, sort buttons in the column headers and a live count.
// The state lives in the URL fragment (#status=overdue&owner=Sam%20Reid&sort=due), so a
// filtered view is a link, also from file://. No framework, no network.
(function () {
  "use strict";

  function text(el) {
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }

  function setup(table, n) {
    var tbody = table.tBodies[0];
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(tbody.rows);
    var count = document.getElementById(table.getAttribute("data-count"));
    var one = table.getAttribute("data-noun-one") || "row";
    var many = table.getAttribute("data-noun") || "rows";
    var name = table.getAttribute("data-register") || "register";
    var state = { q: "", filters: {}, sort: "", dir: "" };

    // Each row's values, once: filter keys and labels, sort keys, searchable text.
    var data = rows.map(function (row, i) {
      var cells = row.cells;
      var d = { row: row, index: i, keys: {}, sort: {}, search: "" };
      heads.forEach(function (th, c) {
        var cell = cells[c];
        if (!cell) return;
        var col = th.getAttribute("data-col");
        if (th.hasAttribute("data-filter")) d.keys[col] = cell.getAttribute("data-key") || "";
        d.sort[col] = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : text(cell).toLowerCase();
        if (th.hasAttribute("data-search")) d.search += " " + text(cell).toLowerCase();
      });
      d.search += " " + text(cells[0]).toLowerCase();
      return d;
    });

    // The form: a text box, one select per filterable column, a reset button.
    var form = document.createElement("form");
    form.className = "register-filters";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the " + many);
    form.addEventListener("submit", function (e) { e.preventDefault(); });

    function field(label, control) {
      var wrap = document.createElement("div");
      wrap.className = "field";
      var l = document.createElement("label");
      l.htmlFor = control.id;
      l.textContent = label;
      wrap.appendChild(l);
      wrap.appendChild(control);
      form.appendChild(wrap);
    }

    var search = document.createElement("input");
    search.type = "search";
    search.id = "filter-" + n + "-q";
    search.autocomplete = "off";
    field("Find", search);
    search.addEventListener("input", function () { state.q = search.value; update(true); });

    var selects = {};
    heads.forEach(function (th) {
      if (!th.hasAttribute("data-filter")) return;
      var col = th.getAttribute("data-col");
      var labels = {};
      data.forEach(function (d) {
        var key = d.keys[col];
        if (!key || labels[key]) return;
        var cell = d.row.cells[heads.indexOf(th)];
        labels[key] = cell.getAttribute("data-label") || text(cell);
      });
      var keys = Object.keys(labels);
      if (!keys.length) return;
      keys.sort(function (a, b) { return labels[a].localeCompare(labels[b]); });
      var select = document.createElement("select");
      select.id = "filter-" + n + "-" + col;
      select.appendChild(new Option("All", ""));
      keys.forEach(function (k) { select.appendChild(new Option(labels[k], k)); });
      select.addEventListener("change", function () { state.filters[col] = select.value; update(true); });
      selects[col] = select;
      field(text(th), select);
    });

    var reset = document.createElement("button");
    reset.type = "button";
    reset.textContent = "Show all";
    reset.addEventListener("click", function () {
      state = { q: "", filters: {}, sort: "", dir: "" };
      update(true);
    });
    form.appendChild(reset);
    var wrap = table.closest(".table-wrap") || table;
    var before = count && count.nextElementSibling === wrap ? count : wrap;
    before.parentNode.insertBefore(form, before);

    // Sort buttons: ascending, descending, then back to the register's own order.
    table.classList.add("sortable");
    heads.forEach(function (th) {
      if (!th.hasAttribute("data-col")) return;
      var col = th.getAttribute("data-col");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      var mark = document.createElement("span");
      mark.className = "sort-mark";
      mark.setAttribute("aria-hidden", "true");
      button.appendChild(mark);
      th.appendChild(button);
      button.addEventListener("click", function () {
        if (state.sort !== col) { state.sort = col; state.dir = "asc"; }
        else if (state.dir === "asc") { state.dir = "desc"; }
        else { state.sort = ""; state.dir = ""; }
        update(true);
      });
    });

    function compare(a, b) {
      if (!state.sort) return a.index - b.index;
      var x = a.sort[state.sort], y = b.sort[state.sort];
      // Empty values (no closing date yet) go last either way.
      if (x === "" && y !== "") return 1;
      if (y === "" && x !== "") return -1;
      var nx = Number(x), ny = Number(y);
      var c = x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
      if (state.dir === "desc") c = -c;
      return c || a.index - b.index;
    }

    function toHash() {
      var parts = [];
      if (state.q) parts.push("q=" + encodeURIComponent(state.q));
      Object.keys(state.filters).sort().forEach(function (col) {
        if (state.filters[col]) parts.push(encodeURIComponent(col) + "=" + encodeURIComponent(state.filters[col]));
      });
      if (state.sort) parts.push("sort=" + encodeURIComponent(state.sort) + (state.dir === "desc" ? "-desc" : ""));
      return parts.join("&");
    }

    function fromHash() {
      var hash = location.hash.replace(/^#/, "");
      state = { q: "", filters: {}, sort: "", dir: "" };
      if (hash.indexOf("=") < 0) return; // an ordinary anchor (#main)
      hash.split("&").forEach(function (part) {
        var eq = part.indexOf("=");
        if (eq < 0) return;
        var k = decodeURIComponent(part.slice(0, eq)), v = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
        if (k === "q") state.q = v;
        else if (k === "sort") {
          var desc = /-desc$/.test(v);
          state.sort = desc ? v.slice(0, -5) : v;
          state.dir = desc ? "desc" : "asc";
        } else if (selects[k]) state.filters[k] = v;
      });
    }

    function update(write) {
      search.value = state.q;
      Object.keys(selects).forEach(function (col) {
        var s = selects[col], v = state.filters[col] || "";
        // A key the register does not hold (a stale link) still filters, and says so.
        if (v && !Array.prototype.some.call(s.options, function (o) { return o.value === v; })) {
          s.appendChild(new Option(v + " (none)", v));
        }
        s.value = v;
      });
      var q = state.q.toLowerCase().trim();
      var shown = 0;
      var sorted = data.slice().sort(compare);
      sorted.forEach(function (d) {
        var ok = (!q || d.search.indexOf(q) >= 0) && Object.keys(state.filters).every(function (col) {
          return !state.filters[col] || d.keys[col] === state.filters[col];
        });
        d.row.hidden = !ok;
        if (ok) shown += 1;
        tbody.appendChild(d.row);
      });
      heads.forEach(function (th) {
        var col = th.getAttribute("data-col");
        if (col && col === state.sort) th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
        else th.removeAttribute("aria-sort");
      });
      if (count) {
        var total = data.length;
        var noun = total === 1 ? one : many;
        count.textContent = shown === total ? total + " " + noun : shown + " of " + total + " " + noun;
      }
      if (write) {
        var hash = toHash();
        var url = location.href.split("#")[0] + (hash ? "#" + hash : "");
        try {
          history.replaceState(null, "", url);
        } catch (e) {
          location.replace("#" + hash);
        }
      }
    }

    fromHash();
    update(false);
    window.addEventListener("hashchange", function () { fromHash(); update(false); });
    table.setAttribute("data-enhanced", name);
  }

  var tables = document.querySelectorAll("table[data-register]");
  for (var i = 0; i < tables.length; i++) setup(tables[i], i);
})();
