/* Search of the website: MiniSearch over window.PAINIMMUNE_SEARCH (search-data.js), typo-tolerant
   and by prefix. Type, then Enter opens the first result, or the arrow keys (or Tab) move through
   the results; Escape closes them. Works from file:// and from any static host: nothing is fetched. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!box || !list || !window.MiniSearch || !window.PAINIMMUNE_SEARCH) { return; }
  var index = new window.MiniSearch({
    fields: ["title", "names", "text"],
    storeFields: ["title", "kind", "url", "text"],
    searchOptions: { boost: { title: 3, names: 2 }, prefix: true, fuzzy: 0.25, combineWith: "AND" }
  });
  index.addAll(window.PAINIMMUNE_SEARCH);

  function snippet(text) {
    return text.length > 160 ? text.slice(0, 157) + "…" : text;
  }
  function clear() {
    list.hidden = true;
    list.textContent = "";
  }
  function show(query) {
    clear();
    if (!query.trim()) { status.textContent = ""; return; }
    var found = index.search(query);
    if (!found.length) { found = index.search(query, { combineWith: "OR" }); }
    status.textContent = found.length ? found.length + " result(s); arrow keys to move, Enter to open" : "no result";
    found.slice(0, 12).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + hit.url;
      var title = document.createElement("span");
      title.textContent = hit.title;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = hit.kind;
      link.appendChild(kind);
      link.appendChild(title);
      if (hit.text) {
        var more = document.createElement("span");
        more.className = "snippet";
        more.textContent = snippet(hit.text);
        link.appendChild(more);
      }
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = found.length === 0;
  }
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

  box.addEventListener("input", function () { show(box.value); });
  box.addEventListener("keydown", function (event) {
    var all = links();
    if (event.key === "Enter" && all.length) { event.preventDefault(); window.location.href = all[0].href; }
    else if (event.key === "ArrowDown" && all.length) { event.preventDefault(); all[0].focus(); }
    else if (event.key === "Escape") { box.value = ""; clear(); status.textContent = ""; }
  });
  list.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : box).focus(); }
    else if (event.key === "Escape") { event.preventDefault(); clear(); box.focus(); }
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var done = document.getElementById("copy-status");
      var text = source.textContent;
      function report(ok) { if (done) { done.textContent = ok ? "Copied." : "Select the text and copy it."; } }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { report(true); }, function () { report(false); });
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        report(document.execCommand && document.execCommand("copy"));
      }
    });
  });
}());
