"""Citing a release: CITATION.cff checked by the real CFF validator, cite formats, .zenodo.json, one version."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import bibtexparser
import bibtexparser.middlewares
import pandas as pd
import pytest

import painimmune as pim
from conftest import ROOT, run_cli, tool_venv
from rows import edit_rows, refresh_hash

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RELEASE_DATE = DESCRIPTOR["created"][:10]
DOCUMENT_TITLES = [
    "Role of the immune system in chronic pain",
    "Chronic Pain and the Immune System (Neuroinflammation, Autoimmunity)",
    "Unveiling the Connection of Pain and The Immune System",
    "The role of the immune system in the generation of neuropathic pain",
]


@pytest.fixture(scope="module")
def cffconvert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference CFF validator, in its own environment: it pins jsonschema<4, which frictionless cannot use."""
    return tool_venv(tmp_path_factory, "cffconvert>=2,<3") / "cffconvert"


@pytest.mark.tools
def test_citation_cff_is_valid_cff_1_2_0(cffconvert):
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid according to schema version 1.2.0" in result.stdout


@pytest.mark.tools
def test_the_validator_rejects_an_invalid_citation(cffconvert, tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text((ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("type: website", "type: webpage"), encoding="utf-8")
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(broken)], capture_output=True, text=True)
    assert result.returncode != 0


def test_citation_cff_names_the_release_and_its_sources():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{pim.__version__}"' in text and f'date-released: "{RELEASE_DATE}"' in text
    assert 'doi: "10.1038/nrn1700"' in text
    for title in DOCUMENT_TITLES:
        assert title in text
    assert "Marchand" not in text  # its authors are unverified, so they are not written anywhere


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff"])
def test_cite_prints_the_installed_release_and_the_source_documents(fmt):
    result = run_cli("cite", "--format", fmt)
    assert result.returncode == 0
    assert result.stdout == pim.citation(fmt)
    assert pim.__version__ in result.stdout and RELEASE_DATE[:4] in result.stdout
    for title in DOCUMENT_TITLES:
        assert title in result.stdout


def test_cite_cff_is_the_citation_file():
    assert pim.citation("cff") == (ROOT / "CITATION.cff").read_text(encoding="utf-8")


def test_apa_and_bibtex_details():
    apa = pim.citation("apa")
    assert apa.startswith(f"painimmune curators. ({RELEASE_DATE[:4]}). painimmune: the immune system's role in chronic pain "
                          f"(Version {pim.__version__}) [Data set].")
    assert "Calvo, M., Dawes, J. M., & Bennett, D. L. H. (2012)." in apa
    assert "Role of the immune system in chronic pain. (2005). Nature Reviews Neuroscience, 6(7), 521–532. https://doi.org/10.1038/nrn1700" in apa
    bib = pim.citation("bibtex")
    assert f"@misc{{painimmune_{pim.__version__.replace('.', '_')}," in bib and "pages = {521--532}" in bib


# What the escaping writes for a backslash, a brace or a LaTeX special: no other backslash may appear.
BIBTEX_ESCAPES = re.compile(r"\\(?:text(?:backslash|braceleft|braceright|asciitilde|asciicircum)\{\}|[#$%&_])")
CRAFTED = {"title": "A}}, note = {\\input{/etc/passwd}}, x = {{y 50% ~ $_^&#", "volume": "6}, note={\\input{x}",
           "pages": "521-532}\\def", "doi": "10.1038/nrn1700}\\{%#", "url": "https://example.org/a?b=1%20c#d{\\}"}


def test_bibtex_escapes_every_field_so_a_crafted_source_adds_no_field_and_runs_no_command(package_copy):
    """A source row crafted to close its field and inject fields and LaTeX is read back by a real
    BibTeX parser as the same entries and fields, each value inert text; a URL still links."""
    with edit_rows(package_copy, "sources") as rows:
        rows.set("marchand2005", **CRAFTED)
    refresh_hash(package_copy, "sources")
    result = run_cli("cite", "--format", "bibtex", "--path", package_copy)
    assert result.returncode == 0, result.stderr
    assert "\\input" not in result.stdout and BIBTEX_ESCAPES.sub("", result.stdout).count("\\") == 0

    library = bibtexparser.parse_string(result.stdout, append_middleware=[bibtexparser.middlewares.LatexDecodingMiddleware()])
    real = bibtexparser.parse_string(pim.citation("bibtex"))
    assert library.failed_blocks == [] and [entry.key for entry in library.entries] == [entry.key for entry in real.entries]
    crafted = library.entries_dict["marchand2005"]
    assert [field.key for field in crafted.fields] == [field.key for field in real.entries_dict["marchand2005"].fields]
    assert crafted["url"] == "https://example.org/a?b=1%20c#d%7B%5C%7D"  # braces and backslash percent-encoded
    assert crafted["doi"] == "10.1038/nrn1700%7D%5C%7B%#"


def test_bibtex_refuses_an_id_that_is_no_citation_key(package_copy):
    with edit_rows(package_copy, "sources") as rows:
        rows.set("fmpm", id="fm},@misc{evil,")
    refresh_hash(package_copy, "sources")
    with pytest.raises(pim.DataError, match=r"sources: id 'fm},@misc\{evil,' cannot be a BibTeX citation key"):
        pim.citation("bibtex", package_copy)
    result = run_cli("cite", "--format", "bibtex", "--path", package_copy)
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "painimmune: sources: id 'fm},@misc{evil,' cannot be a BibTeX citation key (letters, digits, '_', '-', '.' and ':' only)"]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="choose one of apa, bibtex, cff"):
        pim.citation("mla")
    result = run_cli("cite", "--format", "mla")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_zenodo_metadata_makes_a_dataset_deposit():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["version"] == pim.__version__
    assert zenodo["publication_date"] == RELEASE_DATE and zenodo["license"] == "CC0-1.0" and zenodo["access_right"] == "open"
    assert zenodo["creators"] == [{"name": "painimmune curators"}]
    assert {"identifier": "10.1038/nrn1700", "relation": "isDerivedFrom", "scheme": "doi", "resource_type": "publication"} \
        in zenodo["related_identifiers"]


def test_one_version_everywhere():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{pim.__version__}] - {RELEASE_DATE}" in changelog
    assert f'version = "{pim.__version__}"' not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # read from datapackage.json


def test_a_release_date_disagreement_is_reported(package_copy):
    path = package_copy / "CHANGELOG.md"
    path.write_text(path.read_text(encoding="utf-8").replace(f"- {RELEASE_DATE}", "- 2030-01-01", 1), encoding="utf-8")
    result = run_cli("validate", package_copy)
    assert result.returncode == 1
    assert f"release-date-mismatch: CHANGELOG.md top entry '2030-01-01' differs from datapackage.json created date '{RELEASE_DATE}'" in result.stderr


def test_every_peer_reviewed_source_is_complete_or_says_what_is_unverified():
    """Authors, year, container and a DOI or PMID for each journal article; a fact no pinned record
    verifies is left out, and the row's note says so where a reader sees it (never a guess)."""
    sources = pim.load("sources")
    articles = sources[sources["type"] == "peer-reviewed review"]
    assert len(articles) == 2
    for row in articles.itertuples():
        assert pd.notna(row.container) and pd.notna(row.year), row.id
        missing = []
        if not row.authors:
            missing.append("Authors")
        if pd.isna(row.doi) and pd.isna(row.pmid):
            missing.append("DOI and PMID")
        for what in missing:
            assert f"{what} not verified" in str(row.note), (row.id, what, row.note)
