"""How to cite a release: the dataset itself and the source documents its rows come from.

Everything is derived from ``datapackage.json`` (title, version, release date, creators, licence)
and the ``sources`` table, so the citation of an installed release always names that release.
``CITATION.cff`` and ``.zenodo.json`` are generated from the same facts by ``scripts/build.py``.

>>> from painimmune import __version__
>>> from painimmune.citations import citation
>>> f"(Version {__version__}) [Data set]" in citation("apa")
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune import escape
from painimmune.errors import DataError, PainimmuneError, UnknownChoiceError
from painimmune.loader import load
from painimmune.package.descriptor import DataPackage

FORMATS = ("apa", "bibtex", "cff")
BIBTEX_KEY = re.compile(r"[A-Za-z0-9_.:-]+")  # a citation key has no escape: anything else is refused
CITED_REFERENCE = "cited reference"
MESSAGE = ("If you use this dataset, cite this release and also the source documents its rows were "
           "curated from (listed under references).")


@dataclass(frozen=True)
class Document:
    """A source document as the ``sources`` table records it (verified fields only)."""

    id: str
    type: str
    title: str
    authors: list[str]
    container: str
    year: int | None
    volume: str
    issue: str
    pages: str
    doi: str
    url: str

    @property
    def is_article(self) -> bool:
        return self.type == "peer-reviewed review"


@dataclass(frozen=True)
class Release:
    """The facts a citation of one release needs."""

    title: str
    version: str
    date: str  # YYYY-MM-DD
    creators: list[str]
    license: str
    description: str
    keywords: list[str]
    documents: list[Document]

    @property
    def year(self) -> str:
        return self.date[:4]


def release(path: str | Path | None = None, *, verify: bool = True) -> Release:
    """The citable facts of the package at *path* (the installed data by default).

    ``verify=False`` skips the hash check of the sources table (for the build, which refreshes it).

    Raises:
        PainimmuneError: ``datapackage.json`` lacks a release date (``created``) or a creator.
    """
    package = DataPackage(path)
    descriptor = package.descriptor
    created = str(descriptor.get("created", ""))
    if not re.match(r"\d{4}-\d{2}-\d{2}", created):
        raise PainimmuneError(f"{package.root / 'datapackage.json'}: no release date ('created') to cite")
    creators = package.creators
    if not creators:
        raise PainimmuneError(f"{package.root / 'datapackage.json'}: no contributor with the role 'creator' to cite")
    sources = load("sources", package.root, verify=verify)
    documents = [
        Document(row.id, row.type, row.title, list(row.authors), _text(row.container), None if pd.isna(row.year) else int(row.year),
                 _text(row.volume), _text(row.issue), _text(row.pages), _text(row.doi), _text(row.url))
        for row in sources.itertuples(index=False) if row.type != CITED_REFERENCE
    ]
    return Release(str(descriptor.get("title", "")), package.version, created[:10], creators,
                   descriptor["licenses"][0]["name"], str(descriptor.get("description", "")),
                   list(descriptor.get("keywords", [])), documents)


def citation(format: str = "apa", path: str | Path | None = None) -> str:  # noqa: A002 (the user-facing word)
    """The citation of the release at *path* (installed by default) and of its source documents.

    Args:
        format: ``apa`` (text), ``bibtex`` or ``cff`` (the content of ``CITATION.cff``).
        path: a data package directory, ``datapackage.json`` or release data zip.

    Raises:
        UnknownChoiceError: *format* is not one of :data:`FORMATS`.
        DataError: for ``bibtex``, a source document's id is not a citation key (see :data:`BIBTEX_KEY`).
    """
    if format not in FORMATS:
        raise UnknownChoiceError(f"unknown citation format {format!r}; choose one of {', '.join(FORMATS)}")
    facts = release(path)
    return {"apa": apa, "bibtex": bibtex, "cff": cff}[format](facts)


# ---- APA 7 ---------------------------------------------------------------------------------------

def apa(facts: Release) -> str:
    """APA 7 references: the dataset, then each source document."""
    lines = [f"{_apa_names_entities(facts.creators)} ({facts.year}). {facts.title} (Version {facts.version}) [Data set]."]
    lines += ["", "The rows come from these source documents; cite them too:"]
    lines += [_apa_document(doc) for doc in facts.documents]
    return "\n".join(lines) + "\n"


def _apa_names_entities(names: list[str]) -> str:
    return ", ".join(names[:-1]) + (", & " if len(names) > 1 else "") + names[-1] + "."


def _apa_person(name: str) -> str:
    family, initials = _split_name(name)
    return f"{family}, {' '.join(f'{letter}.' for letter in initials)}" if initials else family


def _apa_document(doc: Document) -> str:
    year = f"({doc.year})" if doc.year else "(n.d.)"
    where = doc.container
    if doc.is_article and doc.volume:
        where += f", {doc.volume}" + (f"({doc.issue})" if doc.issue else "") + (f", {doc.pages.replace('-', '–')}" if doc.pages else "")
    link = f"https://doi.org/{doc.doi}" if doc.doi else doc.url
    if doc.authors:
        people = [_apa_person(a) for a in doc.authors]
        authors = people[0] if len(people) == 1 else ", ".join(people[:-1]) + ", & " + people[-1]
        text = f"{authors} {year}. {doc.title}. {where}."
    else:  # APA: with no author, the title moves to the author position
        text = f"{doc.title}. {year}. {where}."
    return f"- {text} {link}".rstrip()


# ---- BibTeX ----------------------------------------------------------------------------------------

def bibtex(facts: Release) -> str:
    """BibTeX entries: ``@misc`` for the dataset, ``@article`` or ``@misc`` for each source document.

    Every field value is escaped (:func:`painimmune.escape.bibtex`, a URL or DOI by
    :func:`painimmune.escape.bibtex_url`), so a value prints as its text and cannot end its field.
    """
    key = "painimmune_" + facts.version.replace(".", "_")
    entries = [_bib_entry("misc", key, [
        ("author", "{" + " and ".join("{" + escape.bibtex(c) + "}" for c in facts.creators) + "}"),
        ("title", "{{" + escape.bibtex(facts.title) + "}}"),
        ("year", "{" + escape.bibtex(facts.year) + "}"),
        ("version", "{" + escape.bibtex(facts.version) + "}"),
        ("note", "{" + escape.bibtex(f"Data set, version {facts.version}, released {facts.date}") + "}"),
    ])]
    for doc in facts.documents:
        fields = []
        if doc.authors:
            fields.append(("author", "{" + " and ".join(_bib_person(a) for a in doc.authors) + "}"))
        fields.append(("title", "{{" + escape.bibtex(doc.title) + "}}"))
        if doc.is_article:
            fields.append(("journal", "{" + escape.bibtex(doc.container) + "}"))
        else:
            fields.append(("howpublished", "{" + escape.bibtex(doc.container) + "}"))
        fields += [(name, "{" + escape.bibtex(value) + "}") for name, value in (
            ("year", str(doc.year) if doc.year else ""), ("volume", doc.volume), ("number", doc.issue),
            ("pages", doc.pages.replace("-", "--"))) if value]
        fields += [(name, "{" + escape.bibtex_url(value) + "}") for name, value in (("doi", doc.doi), ("url", doc.url)) if value]
        entries.append(_bib_entry("article" if doc.is_article else "misc", doc.id, fields))
    return "\n\n".join(entries) + "\n"


def _bib_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """One BibTeX entry of *fields*, each value already escaped and in braces.

    Raises:
        DataError: *key* (a source document's id) is not a citation key BibTeX reads as one.
    """
    if BIBTEX_KEY.fullmatch(key) is None:
        raise DataError(f"sources: id {key!r} cannot be a BibTeX citation key (letters, digits, '_', '-', '.' and ':' only)")
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}"


def _bib_person(name: str) -> str:
    """A person of an author field, escaped: ``Bennett, D. L. H.``, or a name without initials in braces."""
    family, initials = _split_name(name)
    return escape.bibtex(f"{family}, {'. '.join(initials)}.") if initials else "{" + escape.bibtex(family) + "}"


# ---- Citation File Format 1.2.0 ----------------------------------------------------------------------

def cff(facts: Release) -> str:
    """The ``CITATION.cff`` text (CFF 1.2.0) of the release, with the source documents as references.

    Every string is written as a double-quoted YAML scalar (JSON string syntax), so no value can
    be misread as another YAML type.
    """
    lines = [
        "# Generated by scripts/build.py from datapackage.json and tables/sources.csv; do not edit.",
        "cff-version: 1.2.0",
        f"message: {_q(MESSAGE)}",
        "type: dataset",
        f"title: {_q(facts.title)}",
        f"version: {_q(facts.version)}",
        f"date-released: {_q(facts.date)}",
        f"license: {_q(facts.license)}",
        f"abstract: {_q(facts.description)}",
        "authors:",
        *[f"  - name: {_q(name)}" for name in facts.creators],
        "keywords:",
        *[f"  - {_q(word)}" for word in facts.keywords],
        "references:",
    ]
    for doc in facts.documents:
        lines += [f"  - type: {'article' if doc.is_article else 'website'}", f"    title: {_q(doc.title)}", "    authors:"]
        if doc.authors:
            for person in doc.authors:
                family, initials = _split_name(person)
                lines += [f"      - family-names: {_q(family)}", f"        given-names: {_q('. '.join(initials) + '.')}"]
        else:  # CFF guide: name unknown individual authors collectively after the work
            lines.append(f"      - name: {_q(f'The authors of “{doc.title}”')}")
        if doc.is_article:
            lines.append(f"    journal: {_q(doc.container)}")
        else:
            lines.append(f"    publisher:\n      name: {_q(doc.container)}")
        if doc.year:
            lines.append(f"    year: {doc.year}")
        if doc.volume.isdigit():
            lines.append(f"    volume: {int(doc.volume)}")
        if doc.issue:
            lines.append(f"    issue: {_q(doc.issue)}")
        if "-" in doc.pages:
            start, end = doc.pages.split("-", 1)
            lines += [f"    start: {_q(start)}", f"    end: {_q(end)}"]
        if doc.doi:
            lines.append(f"    doi: {_q(doc.doi)}")
        if doc.url:
            lines.append(f"    url: {_q(doc.url)}")
    return "\n".join(lines) + "\n"


def zenodo(facts: Release) -> dict[str, Any]:
    """The ``.zenodo.json`` deposit metadata, so that archiving a release mints a DOI for it."""
    related = []
    for doc in facts.documents:
        identifier, scheme = (doc.doi, "doi") if doc.doi else (doc.url, "url")
        related.append({"identifier": identifier, "relation": "isDerivedFrom", "scheme": scheme, "resource_type": "publication"})
    return {
        "upload_type": "dataset",
        "title": facts.title,
        "version": facts.version,
        "publication_date": facts.date,
        "description": facts.description,
        "creators": [{"name": name} for name in facts.creators],
        "access_right": "open",
        "license": facts.license,
        "keywords": facts.keywords,
        "related_identifiers": related,
    }


def zenodo_json(facts: Release) -> str:
    """``.zenodo.json`` as written by the build: two-space indent, UTF-8, trailing newline."""
    return json.dumps(zenodo(facts), indent=2, ensure_ascii=False) + "\n"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _split_name(name: str) -> tuple[str, str]:
    """``"Bennett DLH"`` → ``("Bennett", "DLH")``: the sources table writes family name then initials."""
    family, _, initials = name.rpartition(" ")
    if not family or not initials.isupper():
        return name, ""
    return family, initials


def _text(value: Any) -> str:
    return "" if pd.isna(value) else str(value)
