// quorum search: filters the index that search-index.js defines (a script, not a fetch, so it
// also works from file://). Every word of the query must occur in a record: in its ID, title,
// kind, status or owner, or in its words (minutes, decisions, action updates, body). Records
// whose ID or title hold every word come first, then those whose other fields do, then the
// rest; each shows where its words matched, highlighted. Nothing is sent anywhere.
(function () {
  "use strict";
  var records = window.QUORUM_SEARCH || [];
  var input = document.getElementById("q-search");
  var list = document.getElementById("q-search-results");
  var status = document.getElementById("q-search-status");
  if (!input || !list || !status) return;
  var root = document.documentElement.getAttribute("data-root") || "";
  var LIMIT = 100;
  var CONTEXT = 80; // characters each side of the first match in an excerpt

  // Lower-cased copies, made once. A lower-cased text can differ in length from the original
  // (a few scripts): excerpts then start at the beginning rather than at a wrong place.
  records.forEach(function (r) {
    r._title = (r.id + " " + r.title).toLowerCase();
    r._body = (r.body || "").toLowerCase();
  });

  // `text` with every occurrence of the words marked: built from text nodes and <mark>
  // elements, never from HTML, so a record's words cannot become markup.
  function highlighted(text, words) {
    var lower = text.toLowerCase();
    var frag = document.createDocumentFragment();
    if (lower.length !== text.length) {
      frag.appendChild(document.createTextNode(text));
      return frag;
    }
    var marks = [];
    words.forEach(function (w) {
      var at = lower.indexOf(w);
      while (at !== -1) {
        marks.push([at, at + w.length]);
        at = lower.indexOf(w, at + w.length);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return; // overlaps the previous mark
      if (m[0] > pos) frag.appendChild(document.createTextNode(text.slice(pos, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      frag.appendChild(mark);
      pos = m[1];
    });
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  // The part of the body around its first match, cut at word boundaries.
  function excerpt(r, words) {
    var body = r.body || "";
    var first = -1;
    if (r._body.length === body.length) {
      words.forEach(function (w) {
        var at = r._body.indexOf(w);
        if (at !== -1 && (first === -1 || at < first)) first = at;
      });
    }
    if (first === -1) first = 0;
    var start = Math.max(0, first - CONTEXT);
    var end = Math.min(body.length, first + CONTEXT * 2);
    if (start > 0) { var sp = body.indexOf(" ", start); if (sp !== -1 && sp < first) start = sp + 1; }
    if (end < body.length) { var ep = body.lastIndexOf(" ", end); if (ep > first) end = ep; }
    return (start > 0 ? "… " : "") + body.slice(start, end) + (end < body.length ? " …" : "");
  }

  function item(r, words) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + r.url;
    a.className = "id";
    a.appendChild(highlighted(r.id, words));
    li.appendChild(a);
    li.appendChild(document.createTextNode(" "));
    var title = document.createElement("span");
    title.appendChild(highlighted(r.title, words));
    li.appendChild(title);
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = " (" + r.kind + (r.status ? ", " + r.status : "") + ")";
    li.appendChild(meta);
    var inBody = words.some(function (w) { return r._title.indexOf(w) === -1 && r._body.indexOf(w) !== -1; });
    if (inBody && r.body) {
      var p = document.createElement("p");
      p.className = "search-excerpt";
      p.appendChild(highlighted(excerpt(r, words), words));
      li.appendChild(p);
    }
    return li;
  }

  function rank(r, words) {
    if (words.every(function (w) { return r._title.indexOf(w) !== -1; })) return 0;
    if (words.every(function (w) { return r.text.indexOf(w) !== -1; })) return 1;
    return 2;
  }

  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      status.textContent = records.length + (records.length === 1 ? " record" : " records") + ". Type to search.";
      return;
    }
    var found = [];
    records.forEach(function (r, i) {
      if (words.every(function (w) { return r.text.indexOf(w) !== -1 || r._body.indexOf(w) !== -1; })) {
        found.push({ r: r, rank: rank(r, words), i: i });
      }
    });
    found.sort(function (a, b) { return a.rank - b.rank || a.i - b.i; });
    found.slice(0, LIMIT).forEach(function (f) { list.appendChild(item(f.r, words)); });
    status.textContent = found.length === 0 ? "No record matches." :
      found.length + (found.length === 1 ? " record matches" : " records match") +
      (found.length > LIMIT ? "; the first " + LIMIT + " are shown." : ".");
  }

  // The query lives in the URL fragment (#q=...), as a register's filters do, so a search is a
  // link that works from file:// too; ?q=... is read as well.
  function fromUrl() {
    var q = new URLSearchParams(window.location.hash.slice(1)).get("q") ||
      new URLSearchParams(window.location.search).get("q");
    return q || "";
  }
  input.value = fromUrl();
  input.addEventListener("input", function () {
    run();
    var q = input.value.trim();
    var frag = q ? "#q=" + encodeURIComponent(q) : "";
    try {
      history.replaceState(null, "", location.href.split("#")[0] + frag);
    } catch (e) {
      location.replace(frag || "#");
    }
  });
  window.addEventListener("hashchange", function () { input.value = fromUrl(); run(); });
  run();
})();
