/* Search of the website. Nothing is loaded until the reader starts searching (focuses or types in
   the search box, or opens search.html?q=...): then MiniSearch (static/vendor/minisearch.js) and
   the documents (search-data.js) are added as scripts, which works from file:// as from any host.

   Order of results: an entity whose name, synonym or id equals the query, then one whose name or
   synonym begins with it, then MiniSearch's matches by score (by prefix; typos forgiven in words of
   five letters or more). Several words are combined with AND, always: when no document holds them
   all, the results say so and how many each word finds alone, and never fall back to OR.

   Keys in the box: Enter opens the entity the query names exactly (or the only result), otherwise
   the results page (search.html?q=...); the arrow keys (or Tab) move through the results; Escape
   closes them. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var page = document.getElementById("search-page");  // the results page (search.html) only
  var SHOWN = 8;  // results in the drop-down list; the results page shows every one
  var state = { index: null, documents: null, byId: null, levels: 0, loading: false, failed: false, waiting: [] };

  /* --- loading, on first use -------------------------------------------------------------- */
  function add(src, done) {
    var element = document.createElement("script");
    element.src = src;
    element.onload = done;
    element.onerror = function () { state.failed = true; tell("The search could not be loaded (" + src + ")."); };
    document.head.appendChild(element);
  }
  function ready(then) {
    if (state.index) { then(); return; }
    state.waiting.push(then);
    if (state.loading) { return; }
    state.loading = true;
    tell("Loading the search…");
    var build = function () {
      var data = window.PAINIMMUNE_SEARCH;
      if (!window.MiniSearch || !data) { tell("The search could not be loaded."); return; }
      state.documents = data.documents;
      state.levels = data.levels;
      state.byId = {};
      data.documents.forEach(function (doc) { state.byId[doc.id] = doc; });
      var index = new window.MiniSearch({ fields: ["title", "names", "text"], storeFields: [] });
      index.addAll(data.documents);
      state.index = index;
      tell("");
      var waiting = state.waiting;
      state.waiting = [];
      waiting.forEach(function (callback) { callback(); });
    };
    var data = function () { if (window.PAINIMMUNE_SEARCH) { build(); } else { add(root + "search-data.js", build); } };
    if (window.MiniSearch) { data(); } else { add(root + "static/vendor/minisearch.js", data); }
  }
  function tell(words) { if (status) { status.textContent = words; } }

  /* --- finding ------------------------------------------------------------------------------ */
  function fold(text) { return text.replace(/_/g, " ").toLowerCase().split(/\s+/).filter(Boolean).join(" "); }
  var OPTIONS = { combineWith: "AND", prefix: true, boost: { title: 3, names: 2 },
                  fuzzy: function (term) { return term.length >= 5 ? 0.2 : false; } };

  function find(query) {
    var folded = fold(query);
    var found = { query: query.trim(), exact: [], results: [], words: folded ? folded.split(" ") : [], alone: [] };
    if (!folded) { return found; }
    var seen = {};
    var starts = [];
    state.documents.forEach(function (doc) {
      if (!doc.exact) { return; }
      if (doc.exact.indexOf(folded) >= 0) { found.exact.push(doc); seen[doc.id] = true; }
      else if (doc.exact.some(function (name) { return name.indexOf(folded) === 0; })) { starts.push(doc); seen[doc.id] = true; }
    });
    starts.sort(function (a, b) { return a.title.length - b.title.length || (a.title < b.title ? -1 : 1); });
    var hits = state.index.search(folded, OPTIONS).map(function (hit) { return state.byId[hit.id]; })
      .filter(function (doc) { return !seen[doc.id]; });
    found.results = found.exact.concat(starts, hits);
    if (!found.results.length && found.words.length > 1) {
      found.alone = found.words.map(function (word) { return { word: word, count: state.index.search(word, OPTIONS).length }; });
    }
    return found;
  }
  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }
  function listed(words) { return words.length === 1 ? words[0] : words.slice(0, -1).join(", ") + " and " + words[words.length - 1]; }
  function searchUrl(query) { return root + "search.html?q=" + encodeURIComponent(query); }

  /* What to say when nothing matches: several words are never silently combined with OR. */
  function nothing(found) {
    if (found.words.length < 2) { return "Nothing matches “" + found.query + "”."; }
    var none = found.alone.filter(function (item) { return item.count === 0; }).map(function (item) { return item.word; });
    if (none.length) { return "Nothing matches " + listed(none) + "."; }
    return "No row names " + (found.words.length === 2 ? "both " : "all of ") + listed(found.words) + ".";
  }

  /* --- showing ------------------------------------------------------------------------------- */
  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }
  function snippet(text, length) { return text.length > length ? text.slice(0, length - 3) + "…" : text; }

  /* One result as a link: its title (an assertion's is its statement, negated when it refutes),
     then what it is; an assertion's direction in words and its evidence level on every one. */
  function result(doc, full) {
    var item = document.createElement("li");
    item.className = "hit " + doc.type + (doc.direction === "refutes" ? " refutes" : "");
    var link = document.createElement("a");
    link.href = root + doc.url;
    link.appendChild(span("hit-title", doc.title));
    var facts = span("hit-facts", "");
    if (doc.type === "assertion") {
      var refutes = doc.direction === "refutes";
      if (refutes) { facts.appendChild(span("direction refutes", "✕ The source reports that this does not hold")); }
      else { facts.appendChild(span("direction states", "The source states this")); }
      facts.appendChild(document.createTextNode(" · "));
      facts.appendChild(span("level", "evidence level " + doc.rank + " of " + state.levels + ": " + doc.level));
      if (full) { facts.appendChild(document.createTextNode(" · " + doc.source)); }
    } else {
      facts.appendChild(span("kind", doc.kind));
      var title = fold(doc.title);
      var also = (doc.exact || []).filter(function (name) { return name !== title; });
      if (also.length) { facts.appendChild(document.createTextNode(" · also " + snippet(also.join(", "), 90))); }
    }
    link.appendChild(facts);
    if (doc.text) { link.appendChild(span("snippet", doc.type === "assertion" ? "“" + snippet(doc.text, full ? 320 : 140) + "”" : snippet(doc.text, 160))); }
    item.appendChild(link);
    return item;
  }
  function alone(found, into) {
    if (!found.alone.length || found.alone.some(function (item) { return item.count === 0; })) { return; }
    var item = document.createElement("li");
    item.className = "alone";
    item.appendChild(document.createTextNode("Each word alone: "));
    found.alone.forEach(function (entry, at) {
      var link = document.createElement("a");
      link.href = searchUrl(entry.word);
      link.textContent = entry.word + " (" + plural(entry.count, "result", "results") + ")";
      if (at) { item.appendChild(document.createTextNode(" · ")); }
      item.appendChild(link);
    });
    into.appendChild(item);
  }

  function clear() {
    list.hidden = true;
    list.textContent = "";
  }
  function show(query) {
    clear();
    if (!query.trim()) { tell(""); return; }
    var found = find(query);
    if (!found.results.length) {
      tell(nothing(found));
      alone(found, list);
      list.hidden = !list.children.length;
      return;
    }
    tell(plural(found.results.length, "result", "results") + "; arrow keys to move, Enter to open");
    found.results.slice(0, SHOWN).forEach(function (doc) { list.appendChild(result(doc, false)); });
    var more = document.createElement("li");
    more.className = "all";
    var link = document.createElement("a");
    link.href = searchUrl(found.query);
    link.textContent = found.results.length > SHOWN ? "See all " + found.results.length + " results" : "See the results on their own page";
    more.appendChild(link);
    list.appendChild(more);
    list.hidden = false;
  }
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
  function enter() {
    var query = box.value.trim();
    if (!query) { return; }
    var found = find(query);
    var only = found.exact.length === 1 ? found.exact[0] : found.results.length === 1 ? found.results[0] : null;
    window.location.href = only ? root + only.url : searchUrl(query);
  }

  if (box && list) {
    box.addEventListener("focus", function () { ready(function () {}); });
    box.addEventListener("input", function () { ready(function () { show(box.value); }); });
    box.addEventListener("keydown", function (event) {
      var all = links();
      if (event.key === "Enter") { event.preventDefault(); ready(enter); }
      else if (event.key === "ArrowDown" && all.length) { event.preventDefault(); all[0].focus(); }
      else if (event.key === "Escape") { box.value = ""; clear(); tell(""); }
    });
    list.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : box).focus(); }
      else if (event.key === "Escape") { event.preventDefault(); clear(); box.focus(); }
    });
  }

  /* --- the results page: every match of ?q=... ---------------------------------------------- */
  if (page) {
    var pageBox = document.getElementById("search-page-box");
    var pageList = document.getElementById("search-page-results");
    var pageStatus = document.getElementById("search-page-status");
    var showAll = function () {
      var query = pageBox.value;
      pageList.textContent = "";
      if (!query.trim()) { pageStatus.textContent = "Type a name, a synonym or words of a quote."; return; }
      var found = find(query);
      pageStatus.textContent = found.results.length ? plural(found.results.length, "result", "results") + " for “" + found.query + "”"
        : nothing(found);
      found.results.forEach(function (doc) { pageList.appendChild(result(doc, true)); });
      alone(found, pageList);
    };
    var asked = /[?&]q=([^&#]*)/.exec(window.location.search);
    if (asked) {
      try { pageBox.value = decodeURIComponent(asked[1].replace(/\+/g, " ")); } catch (error) { pageBox.value = asked[1]; }
    }
    pageBox.addEventListener("input", function () { ready(showAll); });
    if (pageBox.value.trim()) { ready(showAll); } else { showAll(); }
  }

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
