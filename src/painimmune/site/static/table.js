/* A table page's rows: sort by a column (its header is a button: click, Enter or Space; again to
   reverse) and filter (words in any cell, and the evidence level). The sorted column's header
   carries aria-sort and the status line says what is shown; plain script, nothing fetched. */
(function () {
  "use strict";
  var tools = document.getElementById("table-tools");
  var table = document.querySelector("table.rows");
  if (!tools || !table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var filter = document.getElementById("row-filter");
  var level = document.getElementById("level-filter");
  var status = document.getElementById("table-status");
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var sorted = { column: -1, ascending: true };
  tools.hidden = false;

  function key(row, column) {
    var cell = row.cells[column];
    if (!cell) { return ""; }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }
  var compare = (window.Intl && Intl.Collator) ? new Intl.Collator(undefined, { numeric: true, sensitivity: "base" }).compare
    : function (a, b) { return a < b ? -1 : a > b ? 1 : 0; };

  function title(column) { return headers[column].textContent.trim(); }
  function say() {
    var shown = rows.filter(function (row) { return !row.hidden; }).length;
    var words = shown === rows.length ? "All " + rows.length + " rows shown" : shown + " of " + rows.length + " rows shown";
    if (sorted.column >= 0) { words += ", sorted by " + title(sorted.column) + (sorted.ascending ? ", ascending" : ", descending"); }
    status.textContent = words + ".";
  }
  function sortBy(column) {
    sorted.ascending = sorted.column === column ? !sorted.ascending : true;
    sorted.column = column;
    var order = rows.map(function (row, at) { return { row: row, key: key(row, column), at: at }; });
    order.sort(function (a, b) { return (sorted.ascending ? 1 : -1) * compare(a.key, b.key) || a.at - b.at; });
    var fragment = document.createDocumentFragment();
    order.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
    headers.forEach(function (header, at) {
      if (at === column) { header.setAttribute("aria-sort", sorted.ascending ? "ascending" : "descending"); }
      else { header.removeAttribute("aria-sort"); }
    });
    say();
  }
  function apply() {
    var words = filter ? filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean) : [];
    var wanted = level ? level.value : "";
    rows.forEach(function (row, at) {
      var text = texts[at];
      var ok = words.every(function (word) { return text.indexOf(word) >= 0; });
      row.hidden = !(ok && (!wanted || row.getAttribute("data-level") === wanted));
    });
    say();
  }
  headers.forEach(function (header, at) {
    var button = header.querySelector("button.sort");
    if (button) { button.addEventListener("click", function () { sortBy(at); }); }
  });
  if (filter) { filter.addEventListener("input", apply); }
  if (level) { level.addEventListener("change", apply); }
  say();
}());
