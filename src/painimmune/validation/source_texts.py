"""The source texts that a package's quotes are checked against, and what stands in for them when a
copy holds none.

A checkout holds ``sources/<id>.txt`` for each source document; a release (wheel, data zip) does
not republish them. A copy without its ``sources/`` folder is checked in one of two ways:

- against the text the installed painimmune holds for the same source, when its sha256 is the one
  the copy's sources table records (a checkout validating a release zip of its own data);
- otherwise, each quote of the copy must be one that the installed painimmune's own rows make
  (same source, same offset, same words): those were checked against the texts when that release
  was built. Any other quote is a ``quote-unverified`` problem, never a silent pass. The passages of
  ``not_encoded`` (recorded by place and sha256) and the sentence accounting cannot be checked
  without the texts at all: a note says so.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from painimmune.errors import DataError
from painimmune.package import characters
from painimmune.package.descriptor import DataPackage
from painimmune.package.installed import installed_package
from painimmune.validation.problems import Problem, declare
from painimmune.validation.rows import rows

_rule = declare("package", __name__)
SOURCE_TEXT_MISSING = _rule("source-text-missing", "Each document has its text",
                            "A source document (not a cited reference) has sources/<id>.txt.")
SOURCE_TEXT_CHANGED = _rule("source-text-changed", "Source texts are unedited",
                            "The sha256 of sources/<id>.txt is the one recorded in the sources table.")
SOURCE_TEXT_CHARACTER = _rule("source-text-character", "Source texts hold only characters that show",
                              "A source text holds no character the invisible-character rule refuses in a cell, except line feeds and "
                              "the no-break spaces of web pages' furniture (painimmune.package.characters.SOURCE_TEXT_ALLOWED), and no "
                              "letter the lookalike-letter rule refuses, so that a quote copied from it verbatim passes the cell rules.")
FILE_UNREADABLE = _rule("file-unreadable", "Files of the package can be read",
                        "A source text, CITATION.cff, CHANGELOG.md or reference table lies inside the package, is a regular file within "
                        "its size limit and is UTF-8.")
QUOTE_UNVERIFIED = _rule("quote-unverified", "A quote without its text is one the installed release checked",
                         "In a copy without sources/ (a release zip, an installed copy) whose texts the installed painimmune does not "
                         "hold either, each row's quote (source, offset and words) is one of the installed release's own rows, "
                         "whose quotes were checked against the texts when it was built. Any other quote cannot be checked and is "
                         "refused: validate the copy with its sources/ folder, or with the painimmune release that built it.")

# What a copy without the texts cannot check at all: not_encoded records its passages by place and
# sha256 only (painimmune.language.passages), and those need the text.
PASSAGES_UNCHECKED = ("the passages of not_encoded (place, length, sha256 and opening) and the accounting of every sentence "
                      "were not checked: they need the source texts")
CITED_REFERENCE = "cited reference"
FOLDER = "sources"


def source_texts(package: DataPackage, sources: pd.DataFrame, notes: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """The text of every source document, by source id, and the problems of the texts themselves
    (missing, changed since their sha256 was recorded, or holding a refused character). A copy
    without ``sources/`` takes the installed painimmune's texts whose sha256 match (a note says so)."""
    documents = sources[sources["type"] != CITED_REFERENCE]
    if (package.root / FOLDER).is_dir():
        texts, problems = _read_texts(package, documents)
        return texts, problems + _other_texts(package, documents)
    installed = installed_package(package)
    if installed is None or not (installed.root / FOLDER).is_dir():
        notes.append("this copy has no sources/ folder (a release does not republish the source texts): each quote was compared "
                     f"with the installed painimmune's rows instead (rule quote-unverified); {PASSAGES_UNCHECKED}")
        return {}, []
    texts, problems = _read_texts(installed, documents)
    if problems:
        notes.append("this copy has no sources/ folder and the installed painimmune's texts are not the ones its sources table "
                     f"records: each quote was compared with the installed painimmune's rows instead (rule quote-unverified); "
                     f"{PASSAGES_UNCHECKED}")
        return {}, []
    notes.append(f"this copy has no sources/ folder: its quotes were checked against the installed texts ({installed.root / FOLDER}), "
                 "whose sha256 are the ones its sources table records")
    return texts, []


def unverified_quotes(package: DataPackage, frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    """When the source texts of *package* could not be read (*texts* empty and no ``sources/``), a
    problem for each quote that is not one of the installed release's own rows."""
    if texts or (package.root / FOLDER).is_dir():
        return []
    installed = installed_package(package)
    if installed is None:
        return []  # the package is the installed one: its rows are the release's own
    known: set[tuple[str, str, str]] = set()
    for table in installed.relationship_tables:
        frame = _raw(installed, table)
        known.update((str(s), str(q), str(o)) for s, q, o in rows(frame, ["source_id", "quote", "quote_start"]))
    problems: list[Problem] = []
    for table in package.relationship_tables:
        for row, source, quote, start in rows(frames[table], ["id", "source_id", "quote", "quote_start"]):
            if isinstance(quote, str) and (str(source), quote, str(start)) not in known:
                problems.append(QUOTE_UNVERIFIED.problem(
                    f"this copy has no text of {source} to check the quote against, and the installed painimmune "
                    f"{installed.descriptor.get('version', '')} has no row quoting it at offset {start}; give the package with its "
                    "sources/ folder, or validate it with the painimmune release that built it", table, row, "quote", quote))
    return problems


def _other_texts(package: DataPackage, documents: pd.DataFrame) -> list[Problem]:
    """A problem for each source document whose recorded sha256 differs from the one the installed
    painimmune records for the same source: a source text is never edited, and a copy's text with
    its sha256 refreshed would otherwise be checked only against itself."""
    installed = installed_package(package)
    if installed is None:
        return []
    recorded = dict(rows(_raw(installed, "sources"), ["id", "sha256"]))
    return [SOURCE_TEXT_CHANGED.problem(f"the installed painimmune {installed.version} records another text of {source} (sha256 "
                                        f"{recorded[source]}); a source text is never edited: add the new text as a source of its own",
                                        "sources", source, "sha256", digest)
            for source, digest in rows(documents, ["id", "sha256"])
            if isinstance(recorded.get(source), str) and recorded[source] != digest]


def _raw(package: DataPackage, table: str) -> pd.DataFrame:
    """A table of the installed package as text (its rows were validated when it was released)."""
    from painimmune.loader import load

    return load(table, package.root, verify=False).astype("string")


def _read_texts(package: DataPackage, documents: pd.DataFrame) -> tuple[dict[str, str], list[Problem]]:
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for source in documents.itertuples(index=False):
        relative = f"{FOLDER}/{source.id}.txt"
        if not (package.root / relative).exists():
            problems.append(SOURCE_TEXT_MISSING.problem(f"no text file {source.id}.txt in sources/", "sources", source.id))
            continue
        try:
            data = package.file(relative)
            text = data.decode("utf-8")
        except (DataError, UnicodeDecodeError) as exc:
            problems.append(FILE_UNREADABLE.problem(reason(relative, exc), "sources", source.id, "sha256"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            problems.append(SOURCE_TEXT_CHANGED.problem(f"sha256 of {source.id}.txt is {digest}; a source text must never be "
                                                        "edited", "sources", source.id, "sha256", source.sha256))
            continue  # quotes are checked only against the text whose fingerprint is recorded
        for found, what in ((characters.first_refused(text, characters.SOURCE_TEXT_ALLOWED), "an invisible or format character"),
                            (characters.first_lookalike(text), "a letter or digit that reads as a Latin letter or an ASCII digit "
                                                               "without being one, or of another alphabet")):
            if found is not None:
                offset, char = found
                problems.append(SOURCE_TEXT_CHARACTER.problem(
                    f"{source.id}.txt holds {characters.describe(char)} on line {text.count(chr(10), 0, offset) + 1} (character "
                    f"{offset + 1}), {what}; a source text is added without it", "sources", source.id))
        texts[source.id] = text
    return texts, problems


def reason(relative: str, exc: Exception) -> str:
    """Why the package file *relative* could not be read, in words."""
    if isinstance(exc, UnicodeDecodeError):
        return f"{relative} is not UTF-8 (byte {exc.start}); save it as UTF-8"
    return str(exc)
