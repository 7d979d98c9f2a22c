"""Layer 3: the references a row cites (``cited_refs``).

- every cited reference is a row of ``sources`` (``cited-reference-unknown``), a cited reference
  listed by the row's own source document (``cited-reference-foreign``);
- a row cites exactly the references that the reference markers of its quote's sentences give it
  under the one written policy (:mod:`painimmune.language.markers`: the sentence's own markers, else
  those that end its paragraph, else those of the heading of its list), numbers read through the
  citing document's ``reference_number`` column (``cited-references-policy``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pandas as pd

from painimmune.language.markers import markers_of_span, sentence_markers
from painimmune.language.text import span
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.validation.problems import Problem, declare
from painimmune.validation.rows import items, rows

_rule = declare("package", __name__)
CITED_REFERENCE_UNKNOWN = _rule("cited-reference-unknown", "Cited references exist",
                                "Every cited_refs item is a row of the sources table.")
CITED_REFERENCE_FOREIGN = _rule("cited-reference-foreign", "Cited references belong to the row's source",
                                "Every cited_refs item is a cited reference listed by the row's own source document.")
CITED_REFERENCES_POLICY = _rule("cited-references-policy", "Rows cite what their sentences' markers give them",
                                "A row's cited_refs are the references whose markers ([n]) its quote's sentences carry under the "
                                "written policy (painimmune.language.markers): the sentence's own markers, else those that end its "
                                "paragraph, else those of the heading of the list it is an item of; in the order of the markers.")
CITED_REFERENCE = "cited reference"


def check(package: DataPackage, frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    """Problems of the cited references of every relationship row (*frames*: raw strings, or loaded
    tables; *texts*: the source texts by id)."""
    sources = frames["sources"]
    kinds = dict(zip(sources["id"], sources["type"], strict=True))
    listed_by = dict(zip(sources["id"], sources["cited_by"], strict=True))
    numbered = {(str(citing), str(number)): str(reference) for reference, citing, number
                in zip(sources["id"], sources["cited_by"], sources["reference_number"], strict=True) if isinstance(citing, str) and isinstance(number, str)}
    carried = {source: sentence_markers(text) for source, text in texts.items()}

    @functools.lru_cache(maxsize=1 << 16)  # rows quoting the same place share the answer
    def expected_at(source: str, quote: str, start: int) -> list[str] | None:
        """The cited_refs the markers of the sentences of *quote* at *start* give it (None when the
        quote is not there: the grounding rules report that)."""
        pinned = span(quote, texts[source], start)
        if pinned is None:
            return None
        return [numbered.get((source, number), f"[{number}]") for number in markers_of_span(texts[source], *pinned, carried[source])]

    problems: list[Problem] = []
    for table in package.relationship_tables:
        frame = frames[table]
        columns = ("id", "source_id", "quote", "quote_start", "cited_refs")
        for row, source, quote, start, cell in rows(frame, columns):
            refs = items(cell)
            problems += _known(table, row, source, refs, kinds, listed_by)
            if source in texts and isinstance(quote, str) and isinstance(start, str) and csvio.integer(start) is not None:
                expected = expected_at(str(source), quote, int(start))
                if expected is not None:
                    if list(refs) != expected:
                        problems.append(CITED_REFERENCES_POLICY.problem(
                            f"the quote's sentences carry the references {', '.join(expected) or 'none'} under the written policy "
                            "(docs/curation.md, cited references)", table, row, "cited_refs", "|".join(refs)))
    return problems


def _known(table: str, row: str, source: object, refs: list[str], kinds: dict[str, str], listed_by: dict[str, object]) -> Iterator[Problem]:
    for ref in refs:
        if ref not in kinds:
            yield CITED_REFERENCE_UNKNOWN.problem(f"no source {ref!r}", table, row, "cited_refs", ref)
        elif kinds[ref] != CITED_REFERENCE or listed_by[ref] != source:
            yield CITED_REFERENCE_FOREIGN.problem(f"{ref!r} is not a reference listed by {source!r}", table, row, "cited_refs", ref)
