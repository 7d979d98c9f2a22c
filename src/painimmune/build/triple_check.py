"""The independent check of the rows: a second reader's triples, compared with the rows.

A second reader, who had not seen the rows, read a random sample of sentences of the four sources
and wrote the triples each sentence states, with their context and named examples
(``curation/triple-check.csv``; the brief is ``curation/triple-check-brief.md``). Each sentence is
named by its source and offset, so the comparison reads the rows that quote it today. A triple is
(subject, relation, object) in its disease context (a row about pain in osteoarthritis is another
statement than one about pain in rheumatoid arthritis); the report counts the triples both readings
hold, those that agree on the two ends but not the relation, and those only one reading holds
(a triple of the second reader whose words name no entity of the vocabulary it was given is one of
these), and compares the rest of the context, the examples and the direction of the triples both
hold. Every disagreement has a resolution
(``curation/triple-check-resolutions.csv``: the sentence, the side that holds the triple, the
triple, and what was decided); one without is shown as not resolved.

>>> agreement([("a", "r", "b", "")], [("a", "r", "b", ""), ("a", "s", "c", "")])
(1, 0, 0, 1)
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune.build import markdown
from painimmune.graph import assertion_rows
from painimmune.language.sentences import sentences
from painimmune.language.text import span
from painimmune.package.descriptor import DataPackage

CHECK = "curation/triple-check.csv"
RESOLUTIONS = "curation/triple-check-resolutions.csv"
Triple = tuple[str, str, str, str]  # subject, relation, object, disease context


def agreement(reader: list[Triple], curated: list[Triple]) -> tuple[int, int, int, int]:
    """(triples both hold, reader triples whose two ends (and context) a curated triple shares under
    another relation, reader-only triples, curated-only triples) of one sentence."""
    both = [t for t in reader if t in curated]
    ends = {_ends(t) for t in curated}
    relation_only = [t for t in reader if t not in curated and _ends(t) in ends]
    reader_only = [t for t in reader if t not in curated and _ends(t) not in ends]
    reader_ends = {_ends(t) for t in reader}
    curated_only = [t for t in curated if t not in reader and _ends(t) not in reader_ends]
    return len(both), len(relation_only), len(reader_only), len(curated_only)


def _ends(triple: Triple) -> tuple[str, str, str]:
    return triple[0], triple[2], triple[3]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def section(package: DataPackage, texts: dict[str, str]) -> list[str]:
    """The report's section on the independent check (or a line saying it has not been done)."""
    path = package.root / CHECK
    if not path.is_file():
        return [f"No independent extraction is recorded ({CHECK})."]
    check = _read(path)
    resolutions = {(row["sentence"], row["side"], row["triple"]): row["resolution"] for row in _read(package.root / RESOLUTIONS)} \
        if (package.root / RESOLUTIONS).is_file() else {}
    rows = assertion_rows(package)
    by_sentence: dict[str, list[dict[str, str]]] = {}
    for line in check:
        by_sentence.setdefault(line["sentence"], []).append(line)
    totals = [0, 0, 0, 0]
    context_same = context_all = examples_same = direction_same = 0
    disagreements: list[dict[str, Any]] = []
    for number, lines in sorted(by_sentence.items(), key=lambda item: int(item[0])):
        source, start = lines[0]["source_id"], int(lines[0]["sentence_start"])
        curated = _curated(rows, texts.get(source, ""), source, start)
        reader = {(line["subject"], line["relation"], line["object"], line["disease_context"]): line for line in lines if line["subject"]}
        counts = agreement(list(reader), list(curated))
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        for triple, line in reader.items():
            if triple in curated:
                row = curated[triple]
                context_all += 1
                context_same += _context(line) == _context_of(row)
                examples_same += (line["subject_examples"], line["object_examples"]) == ("|".join(row["subject_examples"]),
                                                                                       "|".join(row["object_examples"]))
                direction_same += line["direction"] == row["direction"]
        ends = {_ends(t): t[1] for t in curated}
        reader_ends = {_ends(t) for t in reader}
        for triple, line in reader.items():
            if triple not in curated:
                side = ("reader, another relation" if _ends(triple) in ends else
                        "reader, no such entity" if line["missing_entity"] else "reader only")
                key = _words(triple)
                shown = key + (f" (curated: {ends[_ends(triple)]})" if side == "reader, another relation" else "")
                disagreements.append({"sentence": number, "side": side, "triple": shown,
                                      "resolution": resolutions.get((number, side, key), "NOT RESOLVED")})
        for triple, row in curated.items():
            if triple not in reader and _ends(triple) not in reader_ends:
                disagreements.append({"sentence": number, "side": "curated only", "triple": f"{row['row_id']}: {_words(triple)}",
                                      "resolution": resolutions.get((number, "curated only", row["row_id"]), "NOT RESOLVED")})
    both, relation_only, reader_only, curated_only = totals
    reader_total, curated_total = both + relation_only + reader_only, both + curated_only + relation_only
    summary = pd.DataFrame([
        {"measure": "sentences read", "count": len(by_sentence)},
        {"measure": "triples of the second reader", "count": reader_total},
        {"measure": "triples of the rows (the same sentences)", "count": curated_total},
        {"measure": "triples both hold (subject, relation, object)", "count": both},
        {"measure": "same two ends, another relation", "count": relation_only},
        {"measure": "the second reader's only", "count": reader_only},
        {"measure": "the rows' only", "count": curated_only},
        {"measure": "of the triples both hold: same species, anatomical context and phase", "count": f"{context_same} of {context_all}"},
        {"measure": "of the triples both hold: same named examples", "count": f"{examples_same} of {context_all}"},
        {"measure": "of the triples both hold: same direction", "count": f"{direction_same} of {context_all}"},
    ])
    unresolved = sum(item["resolution"] == "NOT RESOLVED" for item in disagreements)
    return [
        "A second reader who had not seen the rows read a random sample of sentences of the four sources (drawn with a "
        "fixed seed from the sentences that are not headings, page furniture or reference lists) and wrote the triples "
        f"each states, with their context and named examples, in the rows' vocabulary (`{CHECK}`, brief "
        "`curation/triple-check-brief.md`). The comparison below reads the rows that quote each sentence today.",
        markdown.table(summary),
        f"Precision of the rows against the second reader: {both} of {curated_total} row triples "
        f"({both / curated_total:.0%}) are the second reader's; recall: {both} of {reader_total} of the second reader's "
        f"triples ({both / reader_total:.0%}) are rows. Every disagreement and how it was resolved"
        + (f" ({unresolved} not yet resolved)" if unresolved else "") + f" (`{RESOLUTIONS}`):"
        if curated_total and reader_total else "Nothing to compare.",
        markdown.table(pd.DataFrame(disagreements, columns=["sentence", "side", "triple", "resolution"])) if disagreements
        else "The two readings agree on every triple.",
    ]


def _curated(rows: pd.DataFrame, text: str, source: str, start: int) -> dict[Triple, dict[str, Any]]:
    """The rows whose quote overlaps the sentence of *source* beginning at *start*, by triple."""
    found = next((s for s in sentences(text) if s.start == start), None)
    if found is None:
        return {}
    result = {}
    for row in rows[rows["source_id"] == source].to_dict("records"):
        pinned = span(row["quote"], text, int(row["quote_start"]))
        if pinned and pinned[0] < found.end and found.start < pinned[1]:
            context = row["disease_context_qualifier"]
            result[(row["subject_id"], row["relation"], row["object_id"], context if isinstance(context, str) else "")] = row
    return result


def _words(triple: Triple) -> str:
    """A triple as the resolutions name it: ``subject relation object`` (``in context``)."""
    return " ".join(triple[:3]) + (f" in {triple[3]}" if triple[3] else "")


def _context(line: dict[str, str]) -> tuple[str, str, str]:
    return (line["species"], "|".join(sorted(filter(None, line["anatomy"].split("|")))), line["phase"])


def _context_of(row: dict[str, Any]) -> tuple[str, str, str]:
    def text(value: Any) -> str:
        return "" if value is None or (not isinstance(value, list) and pd.isna(value)) else str(value)

    return text(row["species_context_qualifier"]), "|".join(sorted(row["anatomical_context_qualifier"])), text(row["phase"])
