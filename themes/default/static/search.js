// quorum search: filters the index that search-index.js defines (a script, not a fetch, so it
// also works from file://). Every word of the query must occur in a record's text.
(function () {
  "use strict";
  var records = window.QUORUM_SEARCH || [];
  var input = document.getElementById("q-search");
  var list = document.getElementById("q-search-results");
  var status = document.getElementById("q-search-status");
  if (!input || !list || !status) return;
  var root = document.documentElement.getAttribute("data-root") || "";
  var LIMIT = 200;

  function item(r) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + r.url;
    a.textContent = r.id;
    li.appendChild(a);
    li.appendChild(document.createTextNode(" " + r.title + " "));
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = "(" + r.kind + (r.status ? ", " + r.status : "") + ")";
    li.appendChild(meta);
    return li;
  }

  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      status.textContent = records.length + " records. Type to search.";
      return;
    }
    var found = records.filter(function (r) {
      return words.every(function (w) { return r.text.indexOf(w) !== -1; });
    });
    found.slice(0, LIMIT).forEach(function (r) { list.appendChild(item(r)); });
    status.textContent = found.length === 0 ? "No record matches." :
      found.length + (found.length === 1 ? " record matches" : " records match") +
      (found.length > LIMIT ? "; the first " + LIMIT + " are shown." : ".");
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  input.addEventListener("input", run);
  run();
})();
