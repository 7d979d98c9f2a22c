"""Answers in words, composed from rows: the evidence profile line and the summary of a group.

Every sentence here is made from the rows it summarises, by the templates of the data (a relation's
``phrase`` and ``negated_phrase``, a level's ``reported_as`` and ``plain_words``), never written
freely, so that it is never stronger than its rows:

- one clause per evidence level the rows reach, strongest first, each saying how its sources state
  the relation (``states as fact, without saying on what evidence, that``; ``presents as possible that``), so a
  hedged row stays hedged and a clinician's web page is named as one;
- a refuting row is said with the negated phrase (``mast cells do not contribute to fibromyalgia``);
- each sentence carries the ids of its rows, so a reader can follow it to them.

>>> source_words(["clinician article"])
("one clinician's article", False)
>>> source_words(["peer-reviewed review", "clinic web page", "peer-reviewed review"])
("three sources (two peer-reviewed reviews and a clinic's web page)", True)
"""

from __future__ import annotations

from collections import Counter
from typing import TypedDict

import pandas as pd

from painimmune.language.phrases import names_list, statement
from painimmune.profile import EvidenceProfile

# How a source of each type is named in a sentence: (one, several).
SOURCE_KINDS = {
    "peer-reviewed review": ("a peer-reviewed review", "peer-reviewed reviews"),
    "peer-reviewed article": ("a peer-reviewed article", "peer-reviewed articles"),
    "clinician article": ("a clinician's article", "clinicians' articles"),
    "clinic web page": ("a clinic's web page", "clinics' web pages"),
    "cited reference": ("a cited reference", "cited references"),
}
NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


class Sentence(TypedDict):
    """One sentence of a summary, and the rows it is made from."""

    text: str
    rows: list[str]


def number(count: int) -> str:
    """*count* in words up to ten, in digits above."""
    return NUMBERS[count] if count < len(NUMBERS) else f"{count:,}"


def kind_words(kind: str, count: int) -> str:
    """*count* sources of type *kind*, in words: ``a clinic's web page``, ``two peer-reviewed reviews``."""
    one, several = SOURCE_KINDS.get(kind, (f"a {kind}", f"{kind}s"))
    return one if count == 1 else f"{number(count)} {several}"


def source_words(types: list[str]) -> tuple[str, bool]:
    """The sources of *types* (one type per distinct source) as the subject of a sentence, and
    whether it is plural: ``one clinician's article``, or ``three sources (...)``."""
    counts = Counter(types)
    if len(types) == 1:
        return "one " + kind_words(types[0], 1).split(" ", 1)[1], False
    parts = [kind_words(kind, count) for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return f"{number(len(types))} sources ({names_list(parts, limit=len(parts))})", True


def profile_line(profile: EvidenceProfile, levels: pd.DataFrame) -> str:
    """The evidence profile in one line: rows, distinct sources by type, whether any is peer
    reviewed, the strongest level in words and what it means, and the refuting rows.

    *levels* is the evidence-levels table indexed by id."""
    types = [kind for kind, count in profile["source_types"].items() for _ in range(count)]
    sources, _ = source_words(types)
    reviewed = any(kind.startswith("peer-reviewed") for kind in types)
    strongest = profile["strongest_level"]
    parts = [f"{profile['rows']} row{'s' if profile['rows'] != 1 else ''} from {sources}",
             "" if reviewed else "none of them peer-reviewed",
             f"strongest evidence: {profile['strongest_label']} ({levels.at[strongest, 'plain_words']})",
             f"{profile['refuting_rows']} refuting" if profile["refuting_rows"] else "none refuting"]
    line = "; ".join(part for part in parts if part) + "."
    return line[0].upper() + line[1:]


class Row(TypedDict):
    """What a summary needs of one row."""

    row_id: str
    phrase: str  # the relation's phrase and negated phrase, said with the row's modal verb
    negated_phrase: str
    modal_verb: str  # the modal verb of the row's quote (can, could, may, might), or ""
    subject: str
    object: str
    direction: str
    evidence_level_id: str
    evidence_rank: int
    source_id: str
    source_type: str


def summary(rows: list[Row], levels: pd.DataFrame) -> list[Sentence]:
    """The sentences that sum up *rows* (of one relation), one per direction and evidence level,
    strongest first."""
    sentences: list[Sentence] = []
    keys = sorted({(row["direction"] != "refutes", row["evidence_rank"], row["evidence_level_id"]) for row in rows})
    for supports, _, level in keys:
        chosen = [row for row in rows if (row["direction"] != "refutes") == supports and row["evidence_level_id"] == level]
        sentences.append(Sentence(text=_sentence(chosen, str(levels.at[level, "reported_as"])),
                                  rows=[row["row_id"] for row in chosen]))
    return sentences


def relation_said(rows: list[Row]) -> str:
    """The relation of *rows* (one relation, one direction) as one sentence between their distinct
    subjects and distinct objects (at most three of each named), negated when they refute; with a
    modal verb when one of the rows states it with one ("can sensitise"), so that the sentence is
    never stronger than any of its quotes."""
    first = next((row for row in rows if row["modal_verb"]), rows[0])
    subjects = list(dict.fromkeys(row["subject"] for row in rows))
    objects = list(dict.fromkeys(row["object"] for row in rows))
    return statement(first["phrase"] if first["direction"] != "refutes" else first["negated_phrase"], names_list(subjects),
                     names_list(objects), plural=True if len(subjects) > 1 else None)


def _sentence(rows: list[Row], reported_as: str) -> str:
    """One sentence: the sources of *rows* (one direction, one level) state, as their level says,
    the relation between the rows' subjects and objects, each named once."""
    sources = {row["source_id"]: row["source_type"] for row in rows}
    who, several = source_words(list(sources.values()))
    text = statement(reported_as, who, relation_said(rows), plural=several)
    return text[0].upper() + text[1:] + "."
