"""The website (``painimmune site``): what it writes, and how a reader sees it in a real browser.

The browser tests drive Debian's ``chromium`` with Playwright against the site served on
127.0.0.1; they carry the ``browser`` marker and run in ``.ci/run``. Where no chromium is
installed they skip, saying so.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from conftest import ROOT, run_build, run_cli
from painimmune.errors import DataError
from painimmune.site import build_site
from painimmune.site.preview import serve
from painimmune.site.spans import Mark, pieces

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
PAGE_TYPES = {
    "home": "index.html",
    "entity": "conditions/crps.html",
    "source": "sources/marchand2005.html",
    "table": "tables/treatment_conditions.html",
    "evidence level": "evidence/clinical_observation.html",
    "row (refuting)": "rows/tc0002.html",
    "row (citing references)": "rows/cm0018.html",
    "rubric": "about/rubric.html",
    "dictionary": "about/dictionary.html",
    "search results": "search.html?q=crps",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website of the repository's package, built from the checkout as a release's is (without its source texts)."""
    out = tmp_path_factory.mktemp("site")
    build_site(out, ROOT)
    return out


class _Page(HTMLParser):
    """The links, ids and scripts of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag in {"script", "link", "img"} and (values.get("src") or values.get("href")):
            self.sources.append(values.get("src") or values.get("href") or "")


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


# --- what the builder writes -------------------------------------------------------------------

def test_the_site_has_a_page_for_every_entity_source_table_and_level(site: Path):
    import painimmune as pim

    for table in ("mediators", "cell_types", "conditions", "treatments"):
        for entity in pim.load(table)["id"]:
            assert (site / table / f"{entity}.html").is_file(), f"{table}/{entity}.html missing"
    for name in pim.tables():
        assert (site / "tables" / f"{name}.html").is_file()
    for level in pim.load("evidence_levels")["id"]:
        assert (site / "evidence" / f"{level}.html").is_file()
    for source in ("calvo2012", "fmpm", "marchand2005", "tannenbaum"):
        assert (site / "sources" / f"{source}.html").is_file()
    assert (site / "about" / "rubric.html").is_file() and (site / "about" / "dictionary.html").is_file()


def test_every_internal_link_and_anchor_resolves_and_nothing_points_to_a_script_elsewhere(site: Path):
    pages = {path: _parse(path) for path in site.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        for resource in page.sources:
            if resource.startswith("data:"):
                continue
            assert not urlparse(resource).scheme, f"{path}: loads {resource} from elsewhere"
            assert (path.parent / resource).resolve().is_file(), f"{path}: {resource} missing"
        for link in page.links:
            if urlparse(link).scheme in {"http", "https"}:
                continue
            target, anchor = urldefrag(link)
            file = (path.parent / target).resolve() if target else path
            if not file.is_file():
                broken.append(f"{path.relative_to(site)} → {link}")
            elif anchor and file.suffix == ".html" and anchor not in pages[file].ids:
                broken.append(f"{path.relative_to(site)} → {link} (no such anchor)")
    assert not broken, broken[:20]


def test_pages_stay_within_the_size_budget(site: Path):
    sizes = {path.relative_to(site).as_posix(): path.stat().st_size for path in site.rglob("*.html")}
    assert max(sizes.values()) < 100 * 1024, max(sizes.items(), key=lambda item: item[1])
    # the whole site, with a page per row and each entity's rows as CSV: under 8 MiB (README)
    assert sum(path.stat().st_size for path in site.rglob("*") if path.is_file()) < 8 * 1024 * 1024


def test_a_refuting_assertion_says_so_in_words_on_its_entity_page(site: Path):
    html = (site / "treatments" / "cox_inhibitor.html").read_text(encoding="utf-8")
    card = html[html.index('id="tc0002"'):]
    card = card[:card.index("</article>")]
    assert "The source reports that this does <strong>not</strong> hold" in card
    assert "cyclooxygenase inhibitors do not reduce neuropathic pain</h3>" in card  # the title is the statement, negated
    assert "neuropathic pain" in card and "lack of effect" in card
    row = (site / "rows" / "tc0002.html").read_text(encoding="utf-8")  # its own page never shows the relation bare
    assert "<dt>Relation</dt><dd>reduces (denied by the source: the row refutes it)</dd>" in row
    modal = (site / "rows" / "cc0026.html").read_text(encoding="utf-8")  # nor without the modal verb its quote states it with
    assert '<h1 id="statement">immune cells can resolve chronic pain</h1>' in modal
    assert "<dt>Relation</dt><dd>resolves (stated with “can”: immune cells can resolve chronic pain)</dd>" in modal


def test_a_quote_marks_the_words_that_name_its_subject_and_object(site: Path):
    html = (site / "treatments" / "cox_inhibitor.html").read_text(encoding="utf-8")
    card = html[html.index('id="tc0002"'):html.index("</article>", html.index('id="tc0002"'))]
    assert re.search(r'<mark class="subject"[^>]*>cyclooxygenase inhibitors</mark>', card)
    assert re.search(r'<mark class=" object"[^>]*>neuropathic pain</mark>', card)


def test_a_source_page_accounts_for_every_quote_and_every_passage_not_encoded(site: Path):
    import painimmune as pim
    from painimmune.package.descriptor import DataPackage

    html = unescape((site / "sources" / "marchand2005.html").read_text(encoding="utf-8"))
    page = _parse(site / "sources" / "marchand2005.html")
    row_ids = [row_id for name in DataPackage(ROOT).relationship_tables
               for row_id in pim.load(name).query("source_id == 'marchand2005'")["id"]]
    assert row_ids
    for row_id in row_ids:
        assert f"q-{row_id}" in page.ids, f"{row_id} is not linked from the text"
    skipped = pim.load("not_encoded").query("source_id == 'marchand2005'")
    assert len(skipped)
    for entry in skipped.itertuples():
        assert entry.id in page.ids
        assert f"not encoded ({entry.kind}): " in html


def test_the_home_page_carries_schema_org_dataset_metadata_and_the_release_citation(site: Path):
    import json

    import painimmune as pim

    html = (site / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL)
    assert block
    dataset = json.loads(block.group(1))
    assert dataset["@type"] == "Dataset" and dataset["version"] == pim.__version__
    for download in dataset["distribution"]:
        data = (site / download["contentUrl"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == download["sha256"]
    assert f"(Version {pim.__version__})" in html and "@misc{" in html


def test_the_downloads_hold_the_data(site: Path):
    import zipfile

    import painimmune as pim

    version = pim.__version__
    with zipfile.ZipFile(site / "downloads" / f"painimmune-{version}-data.zip") as archive:
        names = archive.namelist()
    assert f"painimmune-{version}/datapackage.json" in names
    assert f"painimmune-{version}/tables/mediators.csv" in names
    for fmt, member in (("parquet", "mediators.parquet"), ("sqlite", "painimmune.db"), ("kgx", "edges.tsv")):
        with zipfile.ZipFile(site / "downloads" / f"painimmune-{version}-{fmt}.zip") as archive:
            assert any(name.endswith(member) for name in archive.namelist()), (fmt, archive.namelist())


def test_a_source_page_shows_what_the_rows_quote_and_never_the_text(site: Path):
    html = unescape((site / "sources" / "marchand2005.html").read_text(encoding="utf-8"))
    text = (ROOT / "sources" / "marchand2005.txt").read_text(encoding="utf-8")
    assert "are not republished" in html and 'class="fulltext"' not in html
    passage = text[59:59 + 49]  # ne0012, a sentence no row encodes (never written into a file a release ships)
    assert passage.startswith("Chronic pain is a major ")
    assert passage not in html and passage[:30] not in html and "Chronic pain…" in html  # its opening only
    gaps = [int(n) for n in re.findall(r"\[… (\d+) characters not quoted", html)]
    assert gaps and all(n > 0 for n in gaps)
    assert "[… 49 characters not quoted: Chronic pain…" in re.sub(r"<[^>]+>", "", html)  # by its length and opening


def test_a_checkout_and_a_copy_without_texts_give_the_same_source_pages(site: Path, package_copy: Path, tmp_path: Path):
    shutil.rmtree(package_copy / "sources")
    build_site(tmp_path / "site", package_copy)
    for page in sorted((site / "sources").glob("*.html")):
        assert (tmp_path / "site" / "sources" / page.name).read_bytes() == page.read_bytes(), page.name


def test_the_source_texts_are_shown_only_when_asked_for_with_a_warning(tmp_path: Path):
    result = run_cli("site", "--out", tmp_path / "www", "--path", ROOT, "--include-source-texts")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["warning: this site includes the full source texts, third-party works whose licence is "
                                          "not verified; it is for checking quotes and must not be published"]
    html = unescape((tmp_path / "www" / "sources" / "marchand2005.html").read_text(encoding="utf-8"))
    assert 'class="fulltext"' in html and "must not be published" in html
    assert (ROOT / "sources" / "marchand2005.txt").read_text(encoding="utf-8")[59:59 + 49] in html


def test_the_source_texts_cannot_be_included_from_a_copy_without_them(package_copy: Path, tmp_path: Path):
    shutil.rmtree(package_copy / "sources")
    result = run_cli("site", "--out", tmp_path / "www", "--path", package_copy, "--include-source-texts")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].endswith("build the site without --include-source-texts")
    assert not (tmp_path / "www").exists() or not any((tmp_path / "www").iterdir())


def test_an_invalid_package_gets_no_site(package_copy: Path, tmp_path: Path):
    table = package_copy / "tables" / "mediators.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("TNF-α", "=HYPERLINK(1)", 1), encoding="utf-8")
    with pytest.raises(DataError, match="does not validate"):
        build_site(tmp_path / "site", package_copy)
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").iterdir())


def test_the_site_command_writes_the_site_and_says_where_to_open_it(tmp_path: Path):
    result = run_cli("site", "--out", tmp_path / "www", "--path", ROOT)
    assert result.returncode == 0, result.stderr
    assert "index.html" in result.stdout and (tmp_path / "www" / "index.html").is_file()
    refused = run_cli("site", "--out", tmp_path / "www" / "index.html", "--path", ROOT)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr


def test_pieces_cut_a_text_at_every_mark():
    marks = [Mark(0, 3, "quoted", "a"), Mark(2, 5, "skipped", "b")]
    cut = pieces("abcdefg", marks)
    assert "".join(piece.text for piece in cut) == "abcdefg"
    assert [(piece.text, piece.has("quoted"), piece.has("skipped")) for piece in cut] == [
        ("ab", True, False), ("c", True, True), ("de", False, True), ("fg", False, False)]


# --- a page per row, cards in words, plain words, the disclaimer (issue 21) ----------------------

def _relationship_rows() -> list[dict[str, object]]:
    import painimmune as pim
    from painimmune.package.descriptor import DataPackage

    return [row for name in DataPackage(ROOT).relationship_tables for row in pim.load(name).to_dict("records")]


def _block(html: str, element_id: str) -> str:
    """The unescaped text of the element with *element_id* (a ``<pre>``)."""
    found = re.search(rf'<pre id="{element_id}"[^>]*>(.*?)</pre>', html, flags=re.DOTALL)
    assert found, element_id
    return unescape(found.group(1))


def test_every_relationship_row_has_a_page_titled_with_its_statement(site: Path):
    import painimmune as pim

    rows = _relationship_rows()
    assert len(rows) == len(list((site / "rows").glob("*.html")))
    for row in rows:
        html = (site / "rows" / f"{row['id']}.html").read_text(encoding="utf-8")
        assert f"<code>{row['id']}</code>" in html
    statement = next(item["statement"] for item in pim.about("cyclooxygenase inhibitors")["sections"][0]["groups"][0]["assertions"]
                     if item["row_id"] == "tc0002")
    html = (site / "rows" / "tc0002.html").read_text(encoding="utf-8")
    assert f'<h1 id="statement">{statement}</h1>' in html and statement == "cyclooxygenase inhibitors do not reduce neuropathic pain"
    assert "The source reports that this does <strong>not</strong> hold" in html


def test_a_row_page_shows_only_its_quote_and_says_where_it_lies_in_the_source(site: Path):
    html = unescape((site / "rows" / "cm0001.html").read_text(encoding="utf-8"))
    text = (ROOT / "sources" / "calvo2012.txt").read_text(encoding="utf-8")
    quote = "Mediators released by immune cells, such as cytokines, sensitise nociceptive signalling in the peripheral and central nervous systems"
    assert text[858:858 + len(quote)] == quote
    assert f"characters 859–{858 + len(quote)} of" in html
    assert 'href="../sources/calvo2012.html#q-cm0001"' in html
    assert "rush to the site of injury" not in html and text[:858].split(".")[-2].strip() not in html  # nothing around the quote
    assert re.search(r'<mark class="subject"[^>]*>immune cells</mark>', html)


def test_a_row_page_cites_the_release_and_the_row_and_its_bibtex_parses(site: Path):
    import bibtexparser

    import painimmune as pim
    from painimmune.citations import release

    facts = release(ROOT)
    for row_id in ("cm0001", "tc0002"):
        html = (site / "rows" / f"{row_id}.html").read_text(encoding="utf-8")
        apa = _block(html, "apa")
        assert f"(Version {pim.__version__})" in apa and row_id in apa and facts.date in apa
        library = bibtexparser.parse_string(_block(html, "bibtex"))
        assert library.failed_blocks == [] and len(library.entries) == 1
        entry = library.entries[0]
        assert row_id in entry.key and row_id in entry["title"] and entry["version"] == pim.__version__
        assert facts.date in entry["note"] and row_id in entry["note"]
        assert f"painimmune {pim.__version__} of {facts.date}" in html  # the release, in words


def test_cited_references_link_to_pubmed_pmc_and_doi_on_row_pages_and_cards(site: Path):
    import painimmune as pim

    sources = pim.load("sources").set_index("id")
    expected = {"pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/", "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
                "doi": "https://doi.org/{}"}
    seen = set()
    for row in _relationship_rows():
        row_page = (site / "rows" / f"{row['id']}.html").read_text(encoding="utf-8")
        home = re.search(rf'<a href="\.\./([^"#]+)#{row["id"]}">the page of', row_page)  # the card on its subject's page
        assert home, row["id"]
        card_page = (site / home.group(1)).read_text(encoding="utf-8")
        card = card_page[card_page.index(f'id="{row["id"]}"'):]
        card = card[:card.index("</article>")]
        for ref in row["cited_refs"]:
            for column, address in expected.items():
                value = sources.at[ref, column]
                if isinstance(value, str) and value:
                    link = f'href="{address.format(value)}"'
                    assert link in row_page and link in card, (row["id"], ref, column)
                    seen.add(column)
    assert seen == set(expected)  # the data has each kind of identifier, so each kind was checked


def test_no_endorsing_badge_remains_and_a_supporting_card_shows_the_quote_as_the_source_s(site: Path):
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "✓" not in html and "direction supports" not in html and ">Supports<" not in html, path
    card = (site / "cell_types" / "immune_cell.html").read_text(encoding="utf-8")
    card = card[card.index('id="cm0018"'):]
    card = card[:card.index("</article>")]
    assert "immune cells release cytokines</h3>" in card and "The source states:" in card and "does not hold" not in card
    assert 'href="../rows/cm0018.html">Row cm0018 ›</a>' in card
    assert "stated as fact, without saying what kind of evidence is behind it" in card and 'href="../about/rubric.html"' in card


def test_every_evidence_level_is_in_plain_words_wherever_it_is_listed(site: Path):
    import painimmune as pim

    levels = pim.load("evidence_levels")
    home = unescape((site / "index.html").read_text(encoding="utf-8"))
    rubric = unescape((site / "about" / "rubric.html").read_text(encoding="utf-8"))
    for level in levels.itertuples():
        page = unescape((site / "evidence" / f"{level.id}.html").read_text(encoding="utf-8"))
        for where, html in (("home", home), ("rubric", rubric), ("level page", page)):
            assert level.plain_words in html, (where, level.id)
        assert 'href="../about/rubric.html"' in page


def test_every_page_says_it_is_not_medical_advice(site: Path):
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert '<p class="disclaimer" role="note">A reference to what four sources say, not medical advice.</p>' in html, path


# --- in a real browser --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site served on 127.0.0.1, as a user's static host would."""
    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def tab(chromium: object) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@browser
@needs_chromium
def test_no_page_requests_anything_outside_the_site_or_logs_an_error(site: Path, served: str, tab: object):
    outside: list[str] = []
    errors: list[str] = []
    tab.on("request", lambda request: outside.append(request.url) if not request.url.startswith(served) else None)
    tab.on("console", lambda message: errors.append(f"{tab.url}: {message.text}") if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(f"{tab.url}: {error}"))
    for path in sorted(site.rglob("*.html")):
        tab.goto(urljoin(served, path.relative_to(site).as_posix()))
        tab.wait_for_load_state("load")
    assert not outside, outside[:10]
    assert not errors, errors[:10]


@browser
@needs_chromium
def test_search_finds_an_entity_by_a_misspelt_synonym_with_the_keyboard_alone(served: str, tab: object):
    tab.goto(served + "index.html")
    for _ in range(40):  # Tab from the top of the page to the search box, as a keyboard user would
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.id") == "search-box":
            break
    assert tab.evaluate("document.activeElement.id") == "search-box"
    tab.keyboard.type("astroglea")  # a synonym of astrocyte, misspelt
    tab.wait_for_selector("#search-results a")
    tab.keyboard.press("ArrowDown")
    assert "astrocyte" in tab.evaluate("document.activeElement.textContent")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/cell_types/astrocyte.html")
    assert tab.locator("h1").inner_text() == "astrocyte"


@browser
@needs_chromium
def test_search_finds_an_assertion_by_a_word_of_its_quote(served: str, tab: object):
    tab.goto(served + "index.html")
    tab.focus("#search-box")
    tab.keyboard.type("lack of effect")
    tab.wait_for_selector("#search-results a")
    assert "cyclooxygenase inhibitors" in tab.locator("#search-results li").first.inner_text()
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/treatments/cox_inhibitor.html#tc0002")
    verdict = tab.locator("#tc0002 .direction")
    assert "The source reports that this does not hold" in verdict.inner_text() and verdict.is_visible()
    assert _in_first_screen(tab, "#tc0002 .direction")


@browser
@needs_chromium
def test_refuting_evidence_is_named_in_the_first_screen(served: str, tab: object):
    for page, row in (("treatments/cox_inhibitor.html", "tc0002"), ("cell_types/immune_cell.html", "cc0010"),
                      ("conditions/neuropathic_pain.html", "tc0002")):
        tab.goto(served + page)
        assert _in_first_screen(tab, ".refuting-summary .direction"), page
        assert "Refuting evidence" in tab.locator(".refuting-summary").inner_text()
        tab.goto(f"{served}{page}#{row}")
        assert _in_first_screen(tab, f"#{row} .direction"), (page, row)
        assert "does not hold" in tab.locator(f"#{row} .verdict").inner_text()


def _in_first_screen(tab: object, selector: str) -> bool:
    box = tab.locator(selector).first.bounding_box()  # type: ignore[attr-defined]
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 800 and box["x"] + box["width"] <= 1280


@browser
@needs_chromium
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_no_serious_or_critical_accessibility_violation(served: str, tab: object, kind: str):
    from axe_playwright_python.sync_playwright import Axe

    tab.goto(served + PAGE_TYPES[kind])
    results = Axe().run(tab)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, serious


@browser
@needs_chromium
@pytest.mark.parametrize("page", ["rows/tc0002.html", "conditions/crps.html", "index.html"])
def test_a_printed_page_carries_its_address_the_release_the_date_and_the_disclaimer(served: str, tab: object, page: str,
                                                                                    tmp_path: Path):
    import datetime

    import painimmune as pim
    from painimmune.citations import release

    tab.goto(served + page)
    tab.emulate_media(media="print")
    tab.screenshot(path=str(tmp_path / "printed.png"), full_page=True)
    footer = tab.locator("footer.site").inner_text()
    today = datetime.date.today().isoformat()
    assert f"Page: {served}{page}" in footer
    assert f"Release: painimmune {pim.__version__} of {release(ROOT).date}" in footer
    assert f"Printed: {today}" in footer and "Source: " in footer
    assert "· ·" not in footer and not re.search(r"^\s*·", footer, flags=re.MULTILINE)
    assert tab.locator(".disclaimer").is_visible() and "not medical advice" in tab.locator(".disclaimer").inner_text()
    for hidden in ("header.site nav", "form.search", "footer.site .links"):
        assert not tab.locator(hidden).is_visible(), hidden
    tab.emulate_media(media="screen")
    assert not tab.locator("footer.site .printed").is_visible() and tab.locator(".disclaimer").is_visible()


@browser
@needs_chromium
def test_the_site_works_opened_from_a_folder(site: Path, tab: object):
    tab.goto((site / "index.html").as_uri())
    tab.focus("#search-box")
    tab.keyboard.type("CRPS")
    tab.wait_for_selector("#search-results a")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/conditions/crps.html")
    assert "complex regional pain syndrome" in tab.locator("h1").inner_text()


def test_the_readme_shows_screenshots_of_an_entity_page_and_a_source_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("site-entity.png", "site-source.png"):
        assert f"](docs/{name})" in readme
        data = (ROOT / "docs" / name).read_bytes()
        assert data.startswith(b"\x89PNG") and int.from_bytes(data[16:20], "big") == 1280  # the width of a 1280x800 window


def test_markup_in_the_data_is_shown_as_text_and_only_web_addresses_become_links(package_copy: Path, tmp_path: Path):
    import json

    table = package_copy / "tables" / "mediators.csv"
    text = table.read_text(encoding="utf-8")
    description = "Tumour necrosis factor alpha, a pro-inflammatory cytokine released by macrophages, mast cells and microglia."
    assert description in text
    table.write_text(text.replace(description, "<img src=x onerror=alert(1)> & <script>alert(2)</script>"), encoding="utf-8")
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["licenses"][0]["path"] = "javascript:alert(3)"
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert run_build(package_copy).returncode == 0
    build_site(tmp_path / "site", package_copy)
    page = (tmp_path / "site" / "mediators" / "tnf.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "javascript:" not in page
    from painimmune.export.sqlite import datasette_metadata
    from painimmune.package.descriptor import DataPackage

    assert datasette_metadata(DataPackage(package_copy))["license_url"] == ""  # Datasette would make it a link too


# --- entity pages answer first (issue 21) ----------------------------------------------------------

def test_an_entity_page_opens_with_its_evidence_profile_and_summaries_linked_to_rows(site: Path):
    html = (site / "conditions" / "crps.html").read_text(encoding="utf-8")
    answer = html[html.index('<section class="answer"'):html.index("</section>", html.index('<section class="answer"'))]
    assert "5 rows from one clinician&#39;s article; none of them peer-reviewed; strongest evidence: expert statement" in answer
    assert "states as fact, without saying on what evidence, that plasma exchange can relieve complex regional pain syndrome." in answer
    ids = _parse(site / "conditions" / "crps.html").ids
    assert all(anchor in ids for anchor in re.findall(r'href="#([^"]+)"', answer))  # each sentence links to its rows
    assert html.index('<section class="answer"') < html.index('class="assertion')


def test_an_entity_page_offers_its_rows_as_csv_a_spreadsheet_reads_safely(site: Path):
    import csv

    rows = list(csv.DictReader((site / "conditions" / "crps-rows.csv").read_text(encoding="utf-8").splitlines()))
    assert {row["row"] for row in rows} >= {"tc0004", "tc0013", "mc0035", "mi0005"}
    plasma = next(row for row in rows if row["row"] == "tc0004")
    assert plasma["statement"] == "plasma exchange can relieve complex regional pain syndrome" and plasma["source"] == "tannenbaum"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_an_entity_page_draws_its_neighbourhood_without_a_script(site: Path):
    html = (site / "mediators" / "tnf.html").read_text(encoding="utf-8")
    picture = html[html.index("<svg"):html.index("</svg>")]
    assert "<script" not in picture and 'href="../conditions/central_sensitisation.html"' in picture
    assert 'stroke-dasharray' in (site / "treatments" / "cox_inhibitor.html").read_text(encoding="utf-8")  # a refuted relation, dashed


# --- the search, the table pages, phones and budgets (issue 21) ---------------------------------

def _search_documents() -> dict[str, dict]:
    from painimmune.package.descriptor import DataPackage
    from painimmune.site import content, search_index

    return {doc["id"]: doc for doc in search_index.documents(content.Data.of(DataPackage(ROOT)))}


def test_a_refuting_row_is_searched_and_shown_by_its_negated_statement_with_its_level():
    documents = _search_documents()
    refuting = documents["tc0002"]
    assert refuting["title"] == "cyclooxygenase inhibitors do not reduce neuropathic pain"
    assert (refuting["direction"], refuting["level"], refuting["rank"]) == ("refutes", "clinical observation", 3)
    assertions = [doc for doc in documents.values() if doc["type"] == "assertion"]
    assert assertions and all(doc["direction"] in {"supports", "refutes"} and doc["level"] and doc["rank"] for doc in assertions)
    # a row is found by the names of both its ends, synonyms included ("crps" names complex regional pain syndrome)
    assert "CRPS" in documents["cm0057"]["names"]


def test_an_entity_document_carries_every_name_it_goes_by_folded():
    crps = _search_documents()["conditions/crps"]
    assert crps["exact"] == ["complex regional pain syndrome", "crps"]
    assert crps["url"] == "conditions/crps.html"


def test_no_page_loads_the_search_index_until_the_reader_searches(site: Path):
    for path in site.rglob("*.html"):
        scripts = _parse(path).sources
        assert not any(script.endswith(("search-data.js", "minisearch.js")) for script in scripts), path
    assert (site / "search-data.js").is_file() and (site / "static" / "vendor" / "minisearch.js").is_file()
    assert (site / "search.html").is_file()


def test_a_relationship_table_leads_with_the_row_as_a_sentence_then_quote_and_level(site: Path):
    html = (site / "tables" / "treatment_conditions.html").read_text(encoding="utf-8")
    headers = re.findall(r'<th scope="col" title="([^"]+)"', html)
    assert headers[:6] == ["treatment_id", "effect", "condition_id", "quote", "evidence_level_id", "direction"]
    row = re.search(r'<tr id="tc0002"[^>]*>(.*?)</tr>', html).group(1)
    cells = [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert " ".join(cells[:3]) == "cyclooxygenase inhibitors do not reduce neuropathic pain"
    assert cells[4] == "clinical observation" and 'data-sort="3"' in row and "✕ refutes" in cells[5]
    assert '<caption id="caption-treatment_conditions">' in html and 'id="level-filter"' in html


def test_an_entity_table_leads_with_the_name_then_the_id(site: Path):
    html = (site / "tables" / "conditions.html").read_text(encoding="utf-8")
    assert re.findall(r'<th scope="col" title="([^"]+)"', html)[:2] == ["name", "id"]
    assert '<a href="../conditions/crps.html">complex regional pain syndrome</a>' in html


def test_the_stylesheet_is_minified_once_at_build_and_keeps_its_strings(site: Path):
    from painimmune.site import minify

    source = (ROOT / "src" / "painimmune" / "site" / "static" / "style.css").read_text(encoding="utf-8")
    built = (site / "static" / "style.css").read_text(encoding="utf-8")
    assert "/*" not in built
    assert built.count("\n") == 1
    assert len(built) < 0.85 * len(source)
    assert 'content:"⚑ "' in built  # a string keeps its spaces
    assert minify.css("a :hover { x: calc(1rem + 2px) } /* c */ b > c, d { content: '  a  ;  ' }") == \
        "a :hover{x:calc(1rem + 2px)}b>c,d{content:'  a  ;  '}\n"


def test_the_site_extra_brings_what_the_site_needs_including_the_validators():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert "painimmune[validate]" in extras["site"]
    assert any(item.startswith("jinja2") for item in extras["site"]) and any(item.startswith("pyarrow") for item in extras["site"])


@pytest.mark.tools
def test_the_readme_site_commands_build_the_site_in_a_fresh_environment(tmp_path: Path):
    """The README's two commands, verbatim, with the package name read as this checkout."""
    import subprocess
    import venv

    from conftest import require_registry

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## A website for readers who don't write Python"):]
    block = section[section.index("```"):]
    block = block[block.index("\n") + 1:block.index("```", 3)]
    install, build = (line.split("#")[0].strip() for line in block.splitlines()[:2])
    assert install == 'pip install "painimmune[site]"' and build == "painimmune site --out site"
    require_registry()
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    pip = [str(env / "bin" / "python"), "-m", *install.replace('"painimmune[site]"', f"{ROOT}[site]").split()]
    installed = subprocess.run([*pip, "--quiet", "--disable-pip-version-check"], capture_output=True, text=True, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-3000:]
    command = build.split()
    built = subprocess.run([str(env / "bin" / command[0]), *command[1:]], capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-3000:]
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "search.html").is_file()


def _type_search(tab: object, words: str) -> None:
    tab.focus("#search-box")
    tab.keyboard.type(words)
    tab.wait_for_function("document.getElementById('search-status').textContent && "
                          "!document.getElementById('search-status').textContent.startsWith('Loading')")


@browser
@needs_chromium
def test_the_crps_page_answers_how_sure_we_are_in_the_first_screen_and_filters_by_level(served: str, tab: object):
    tab.goto(served + "conditions/crps.html")
    assert _in_first_screen(tab, ".answer .profile")
    assert "none of them peer-reviewed" in tab.locator(".answer .profile").first.inner_text()
    tab.goto(served + "mediators/tnf.html")
    rows = tab.locator(".row-wrap")
    total = rows.count()
    tab.select_option('[data-filter="source"]', "marchand2005")
    shown = [row for row in range(total) if rows.nth(row).is_visible()]
    assert 0 < len(shown) < total
    assert tab.locator(".filter-status").inner_text() == f"{len(shown)} of {total} rows shown"


def test_the_search_index_is_loaded_only_when_the_reader_starts_searching(served: str, tab: object):
    asked: list[str] = []
    tab.on("request", lambda request: asked.append(request.url))
    tab.goto(served + "conditions/crps.html")
    tab.wait_for_load_state("load")
    assert not any(url.endswith(("search-data.js", "minisearch.js")) for url in asked)
    assert tab.evaluate("typeof window.PAINIMMUNE_SEARCH") == "undefined"
    _type_search(tab, "microglia")
    assert any(url.endswith("search-data.js") for url in asked) and any(url.endswith("minisearch.js") for url in asked)
    assert tab.locator("#search-results li.hit").count() > 0


@browser
@needs_chromium
@pytest.mark.parametrize("query", ["complex regional pain syndrome", "CRPS", "Complex regional"])
def test_a_name_or_synonym_the_query_equals_or_begins_comes_first(served: str, tab: object, query: str):
    tab.goto(served + "index.html")
    _type_search(tab, query)
    first = tab.locator("#search-results li.hit").first
    assert first.locator(".hit-title").inner_text() == "complex regional pain syndrome"
    if query != "Complex regional":
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/conditions/crps.html")


@browser
@needs_chromium
def test_a_refuting_result_is_titled_by_its_statement_and_says_refutes_in_words(served: str, tab: object):
    tab.goto(served + "index.html")
    _type_search(tab, "cyclooxygenase neuropathic")
    hit = tab.locator("#search-results li.hit.refutes").first
    assert hit.locator(".hit-title").inner_text() == "cyclooxygenase inhibitors do not reduce neuropathic pain"
    facts = hit.locator(".hit-facts").inner_text()
    assert "reports that this does not hold" in facts and "evidence level 3 of" in facts and "clinical observation" in facts
    assert hit.locator(".direction.refutes").is_visible()
    for item in tab.locator("#search-results li.hit.assertion").all():  # direction and level on every assertion
        text = item.locator(".hit-facts").inner_text()
        assert ("The source states this" in text or "does not hold" in text) and "evidence level" in text
        assert "✓" not in text and "Supports" not in text  # nothing reads as the site's own endorsement


@browser
@needs_chromium
def test_several_words_must_all_match_and_when_no_row_names_both_the_results_say_so(served: str, tab: object):
    tab.goto(served + "index.html")
    _type_search(tab, "crps tnf")
    assert tab.locator("#search-status").inner_text() == "No row names both crps and tnf."
    assert tab.locator("#search-results li.hit").count() == 0
    assert "crps (" in tab.locator("#search-results li.alone").inner_text()
    tab.goto(served + "search.html?q=tnf%20neuropathic")
    tab.wait_for_selector("#search-page-results li.hit")
    found = tab.evaluate("""Array.from(document.querySelectorAll('#search-page-results li.hit a'))
                            .map(a => a.getAttribute('href'))""")
    documents = _search_documents()
    by_url = {doc["url"]: doc for doc in documents.values()}
    assert found
    for url in found:
        doc = by_url[url]
        words = " ".join([doc["title"], doc["names"], doc["text"]]).casefold()
        assert "tnf" in words and "neuropathic" in words, doc["id"]


@browser
@needs_chromium
def test_the_results_page_lists_every_match_and_the_box_links_to_it(served: str, tab: object):
    tab.goto(served + "index.html")
    _type_search(tab, "pain")
    more = tab.locator("#search-results li.all a")
    label = more.inner_text()
    assert re.fullmatch(r"See all \d+ results", label), label
    count = int(label.split()[2])
    more.click()
    tab.wait_for_url(lambda url: url.endswith("/search.html?q=pain"))
    tab.wait_for_selector("#search-page-results li.hit")
    assert tab.locator("#search-page-results li.hit").count() == count
    assert tab.input_value("#search-page-box") == "pain"
    tab.goto(served + "index.html")  # Enter with no selection, no exact name and several results: the results page
    _type_search(tab, "microglia pain")
    tab.keyboard.press("Enter")
    tab.wait_for_url(lambda url: url.endswith("/search.html?q=microglia%20pain"))
    tab.wait_for_selector("#search-page-results li.hit")
    assert tab.locator("#search-page-results li.hit").count() > 1


@browser
@needs_chromium
def test_the_results_page_works_opened_from_a_folder(site: Path, tab: object):
    tab.goto((site / "search.html").as_uri() + "?q=microglia+tnf")
    tab.wait_for_selector("#search-page-results li.hit")
    assert "result" in tab.locator("#search-page-status").inner_text()


@browser
@needs_chromium
def test_a_table_sorts_and_filters_with_the_keyboard_and_announces_its_sort(served: str, tab: object):
    tab.goto(served + "tables/treatment_conditions.html")
    level = tab.locator("th.c-evidence_level_id")
    assert level.get_attribute("aria-sort") is None
    tab.focus("th.c-evidence_level_id button")
    tab.keyboard.press("Enter")
    assert level.get_attribute("aria-sort") == "ascending"
    ranks = tab.evaluate("Array.from(document.querySelectorAll('tbody td.c-evidence_level_id')).map(td => +td.dataset.sort)")
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    tab.keyboard.press("Space")
    assert level.get_attribute("aria-sort") == "descending"
    assert "sorted by Evidence level, descending" in tab.locator("#table-status").inner_text()
    tab.focus("#row-filter")
    tab.keyboard.type("lack of effect")
    visible = tab.evaluate("Array.from(document.querySelectorAll('tbody tr')).filter(tr => !tr.hidden).map(tr => tr.id)")
    assert visible == ["tc0002"]
    assert tab.locator("#table-status").inner_text().startswith("1 of ")
    tab.fill("#row-filter", "")
    tab.select_option("#level-filter", "clinical_observation")
    levels = tab.evaluate("Array.from(document.querySelectorAll('tbody tr')).filter(tr => !tr.hidden).map(tr => tr.dataset.level)")
    assert levels and set(levels) == {"clinical_observation"}


def _phone_pages(site: Path) -> dict[str, str]:
    pages = dict(PAGE_TYPES)
    pages["wide relationship table"] = "tables/cell_conditions.html"
    rows = sorted((site / "rows").glob("*.html")) if (site / "rows").is_dir() else []
    if rows:  # row pages (rows/<id>.html), when the site has them
        pages["row"] = rows[0].relative_to(site).as_posix()
    return pages


@browser
@needs_chromium
def test_no_page_type_is_wider_than_a_phone(site: Path, served: str, chromium: object):
    context = chromium.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    phone = context.new_page()
    wide = {}
    for kind, address in _phone_pages(site).items():
        phone.goto(served + address)
        phone.wait_for_load_state("load")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[kind] = width
    context.close()
    assert not wide, wide


def test_an_entity_page_says_how_each_cross_reference_matches(site: Path):
    tnf = (site / "mediators" / "tnf.html").read_text(encoding="utf-8")
    assert 'HGNC:11892</a> <span class="match">(the gene that encodes it)</span>' in tnf
    assert 'UniProtKB:P01375</a> <span class="match">(exact match)</span>' in tnf
    crps = (site / "conditions" / "crps.html").read_text(encoding="utf-8")
    assert 'MONDO:0011441</a> <span class="match">(narrower term)</span>' in crps
