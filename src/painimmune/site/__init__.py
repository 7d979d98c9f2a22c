"""The website of a release: ``painimmune site --out DIR``.

This subpackage owns the static website for readers who do not write Python: the pages
(:mod:`~painimmune.site.content` says what each shows, Jinja2 templates in ``templates/`` how),
the search (:mod:`~painimmune.site.search_index`, with MiniSearch vendored in ``static/vendor``),
the downloads (:mod:`~painimmune.site.downloads`) and the builder below;
:mod:`~painimmune.site.preview` serves a built site on 127.0.0.1 and photographs it in chromium
(the README's screenshots, the browser tests). The site makes no request
outside itself: it works opened from a folder (``file://``) and from any static host.

Pages: ``index.html`` (the release, its citation, counts, downloads, search, the evidence ladder),
one page per entity (``<table>/<id>.html``: the answer first, composed by :mod:`painimmune.summaries`,
a picture of its neighbourhood drawn by :mod:`~painimmune.site.neighbourhood`, then its rows, also
as ``<table>/<id>-rows.csv``), per relationship row (``rows/<id>.html``), per source document
(``sources/<id>.html``), per table (``tables/<name>.html``, sorted and filtered by
``static/table.js``) and per evidence level (``evidence/<id>.html``), the rubric and the data
dictionary (``about/``), and the search results (``search.html?q=...``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from painimmune import escape
from painimmune.destination import StagedOutput, check_output_place
from painimmune.export import refuse_invalid, require
from painimmune.output import OutputFolder
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.site import content, minify, search_index
from painimmune.site.downloads import FOLDER as DOWNLOADS
from painimmune.site.downloads import Download, write_downloads
from painimmune.summaries import number

HERE = Path(__file__).resolve().parent
STATIC_FILES = ("style.css", "search.js", "table.js", "vendor/minisearch.js", "vendor/minisearch-LICENSE.txt")


# What `painimmune site --include-source-texts` says on stderr (one line).
SOURCE_TEXTS_WARNING = ("warning: this site includes the full source texts, third-party works whose licence is not verified; "
                        "it is for checking quotes and must not be published")


def build_site(out: str | Path, path: str | Path | None = None, include_source_texts: bool = False) -> list[Path]:
    """Write the website of the package at *path* (the installed data by default) into *out*.

    A source page shows what the rows quote, in the order of the text, and how many characters lie
    between the quotes; never the text itself. *include_source_texts* shows the full text of each
    source, every quote and passage not encoded marked: the texts are third-party works whose
    licence is not verified, so such a site is for curators and must not be published
    (:data:`SOURCE_TEXTS_WARNING`). Only a checkout holds the texts.

    Returns the files written. *out* must be a new or empty folder, or an earlier website
    (:mod:`painimmune.destination`: never a system folder, the home folder or the package); the
    website is written whole into a staging folder and moved into place at the end, replacing the
    earlier one (and removing its files this one does not write). A failure leaves the folder as
    it was.

    Raises:
        OutputRefused: *out* is refused (nothing is written; the message says why).
        DataError: the package does not validate, or *include_source_texts* is asked of a copy
            without the source texts (nothing is written).
        MissingDependencyError: Jinja2 or pyarrow is missing (``pip install 'painimmune[site]'``).
    """
    jinja2: Any = require("jinja2", "site", "the website")
    require("pyarrow", "site", "the website")

    check_output_place(out)  # where it writes is judged before the package (or a zip) is read
    package = DataPackage(path)
    staged = StagedOutput(out, "painimmune site", package.root)
    refuse_invalid(package)
    with staged as folder:
        written = _write(package, folder, jinja2, include_source_texts)
    return staged.placed(written)


def _write(package: DataPackage, folder: OutputFolder, jinja2: Any, include_source_texts: bool) -> list[Path]:
    """Write every page, the search data, the downloads and the static files into *folder*."""
    data = content.Data.of(package, include_source_texts)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    # Every page as (address, template, values), so that every place a file goes is checked (a path
    # inside the output folder) before the first file is written.
    pages: list[tuple[str, str, dict[str, Any]]] = []
    for table in package.entity_tables:
        pages += [(content.entity_url(table, row["id"]), "entity.html", {"page": content.entity(data, table, row)})
                  for row in data.frames[table].to_dict("records")]
    tables = {page["page"]["csv"]: _rows_csv(page["page"]) for _, template, page in pages if template == "entity.html"}
    pages += [(content.source_url(row["id"]), "source.html", {"page": content.source(data, row)})
              for row in data.documents.to_dict("records")]
    pages += [(content.table_url(name), "table.html", {"page": content.table(data, name)}) for name in package.table_names]
    pages += [(content.level_url(row["id"]), "level.html", {"page": content.level(data, row)})
              for row in data.frames["evidence_levels"].to_dict("records")]
    pages += [(content.row_url(row_id), "row.html", {"page": content.row(data, item)}) for row_id, item in data.assertions.items()]
    pages += [("about/rubric.html", "rubric.html", {"page": content.rubric(data)}),
              ("about/dictionary.html", "dictionary.html", {"page": content.dictionary(data)}),
              ("search.html", "search.html", {})]
    for relative in ["index.html", "search-data.js", f"{DOWNLOADS}/x.zip", *(page[0] for page in pages), *tables,
                     *(f"static/{name}" for name in STATIC_FILES)]:
        folder.check(relative)

    downloads = write_downloads(package, folder)
    written = [folder.target(item.path) for item in downloads]
    home = content.home(data)
    shared = {"version": package.version, "licence": package.licence, "nav": _navigation(data), "released": home["date"],
              "dataset_title": home["title"], "documents": number(len(data.documents))}
    pages.insert(0, ("index.html", "index.html", {"page": home, "downloads": downloads, "jsonld": _dataset_jsonld(package, home, downloads)}))
    for relative, template, values in pages:
        html = environment.get_template(template).render(root="../" * relative.count("/"), here=relative, **shared, **values)
        written.append(folder.write_text(relative, html))
    written.append(folder.write_text("search-data.js", search_index.script(data)))
    written += [folder.write_bytes(relative, table) for relative, table in tables.items()]
    for name in STATIC_FILES:
        if name.endswith(".css"):  # made smaller once, here (see painimmune.site.minify)
            written.append(folder.write_text(f"static/{name}", minify.css((HERE / "static" / name).read_text(encoding="utf-8"))))
            continue
        with folder.writing(f"static/{name}") as temp:
            shutil.copyfile(HERE / "static" / name, temp)
        written.append(folder.target(f"static/{name}"))
    return written


ROWS_CSV_HEADER = ["row", "statement", "direction", "evidence_level", "source", "quote", "part_of_the_page"]


def _rows_csv(page: dict[str, Any]) -> bytes:
    """The rows an entity page shows, as CSV for a spreadsheet (every cell escaped so that none runs
    as a formula: :func:`painimmune.escape.spreadsheet_cell`)."""
    rows = [[item["row_id"], item["statement"], item["direction"], item["evidence_level"], item["source_id"], item["quote"],
             section["kind"]] for section in page["sections"] for group in section["groups"] for item in group["assertions"]]
    return csvio.format_rows(ROWS_CSV_HEADER, [[escape.spreadsheet_cell(str(cell)) for cell in row] for row in rows])


def _navigation(data: content.Data) -> list[dict[str, str]]:
    """The links of every page's header: home, each entity table, sources, the rubric, the dictionary."""
    table_url = content.table_url
    items = [{"label": "Home", "url": "index.html"}]
    items += [{"label": data.plural(table).capitalize(), "url": table_url(table)} for table in data.package.entity_tables]
    items += [{"label": "Sources", "url": table_url("sources")}, {"label": "Evidence levels", "url": "about/rubric.html"},
              {"label": "Data dictionary", "url": "about/dictionary.html"}]
    return items


def _dataset_jsonld(package: DataPackage, home: dict[str, Any], downloads: list[Download]) -> dict[str, Any]:
    """The schema.org ``Dataset`` of the release, for dataset search engines."""
    descriptor = package.descriptor
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": home["title"],
        "description": home["description"],
        "version": package.version,
        "datePublished": home["date"],
        "keywords": list(descriptor.get("keywords", [])),
        "license": package.licence.url or package.licence.name,
        "isAccessibleForFree": True,
        "creator": [{"@type": "Organization", "name": name} for name in package.creators],
        "citation": package.web_sources,
        "distribution": [{"@type": "DataDownload", "name": item.label, "encodingFormat": "application/zip",
                          "contentUrl": item.path, "contentSize": f"{item.size} B", "sha256": item.sha256} for item in downloads],
    }
