"""Layer 3: the rubric, applied to every row (:mod:`painimmune.language.rubric`).

- **The rubric is well-formed**: the evidence ranks run 1, 2, 3, ...; exactly one level has no cue
  phrases and it is tried last; exactly one direction has no cue phrases (the default).
- **Grades follow the rubric**: a row's evidence level is the one the rubric gives its quote. So a
  quote that names models is preclinical whatever else it says, a hedged quote is never graded
  above hypothesis, a clinical grade needs the clinical cue in the quote, and a quote without any
  cue is an expert statement.
- **What the evidence was gathered in fits the grade**: a row's ``evidence_source`` is one its level
  allows (``evidence_levels.evidence_sources``: human clinical for the clinical levels, animal model
  or in vitro for preclinical, not stated for an expert statement).
- **Directions follow the rubric**: a quote holding a negation cue refutes, unless the row's note
  says so in these words: the cue in single quotes, then "does not negate", then why (``'not' does
  not negate the role: it reads 'not just ... but also'``); a refuting row's quote holds a negation cue.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from painimmune.language.rubric import Rubric
from painimmune.package.descriptor import DataPackage
from painimmune.validation.problems import Problem, declare

_rule = declare("package", __name__)
RANK_ORDER = _rule("rank-order", "Evidence ranks run 1, 2, 3, ...",
                   "The ranks of the evidence levels are consecutive from 1, each used once.")
RUBRIC_INVALID = _rule("rubric-invalid", "The rubric is well-formed",
                       "Exactly one evidence level has no cue phrases and it comes last in decision_order; exactly one direction has no "
                       "cue phrases.")
GRADE_RUBRIC = _rule("grade-rubric", "Grades follow the rubric",
                     "A row's evidence level is the one the rubric gives its quote (painimmune.language.rubric): the first level in "
                     "decision_order whose cue phrase the quote holds, else the level without cue phrases. A quote that names models is "
                     "preclinical whatever else it says; a hedged quote is never graded above hypothesis.")
EVIDENCE_SOURCE_RUBRIC = _rule("evidence-source-rubric", "Evidence sources fit the grade",
                               "A row's evidence_source is one its evidence level allows (evidence_levels.evidence_sources): human "
                               "clinical for the clinical levels, animal model or in vitro for preclinical, not stated for an expert "
                               "statement.")
DIRECTION_RUBRIC = _rule("direction-rubric", "Directions follow the rubric",
                         "A quote holding a negation cue (directions.cue_phrases) refutes, unless the row's note says \"'<cue>' does not "
                         "negate\" the relation and why; a refuting row's quote holds a negation cue.")
LEVELS, DIRECTIONS = "evidence_levels", "directions"
# How a note says that a negation cue in its quote does not negate the row's relation: "'not' does not negate the role".
NOT_A_NEGATION = "does not negate"


def check(package: DataPackage, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Problems of the rubric tables and of every relationship row against them."""
    problems = list(_well_formed(frames[LEVELS], frames[DIRECTIONS]))
    if problems:
        return problems
    levels = frames[LEVELS].assign(decision_order=pd.to_numeric(frames[LEVELS]["decision_order"]))
    rubric = Rubric.from_tables(levels, frames[DIRECTIONS])
    sources_allowed = {level: set(allowed) for level, allowed in zip(frames[LEVELS]["id"], frames[LEVELS]["evidence_sources"])}
    grades: dict[str, tuple[str, str | None]] = {}
    directions: dict[str, tuple[str, str | None]] = {}
    for table in package.relationship_tables:
        frame = frames[table]
        columns = ("id", "quote", "evidence_level_id", "direction", "note", "evidence_source")
        for row, quote, level, direction, note, gathered in zip(*(frame[column].tolist() for column in columns)):
            if sources_allowed.get(level) and gathered not in sources_allowed[level]:
                problems.append(EVIDENCE_SOURCE_RUBRIC.problem(f"a row graded {level} has its evidence gathered in "
                                        f"{' or '.join(sorted(sources_allowed[level]))}", table, row, "evidence_source", gathered))
            if not isinstance(quote, str):
                continue
            if quote not in grades:
                grades[quote], directions[quote] = rubric.grade(quote), rubric.direction(quote)
            if level != grades[quote][0]:
                problems += _grade(table, row, level, grades[quote])
            if direction != directions[quote][0]:
                problems += _direction(table, row, direction, note, directions[quote], rubric.default_direction)
    return problems


def _well_formed(levels: pd.DataFrame, directions: pd.DataFrame) -> Iterator[Problem]:
    ranks = pd.to_numeric(levels["rank"], errors="coerce")
    if sorted(ranks.dropna().astype(int)) != list(range(1, len(levels) + 1)):
        shown = ", ".join(str(rank) for rank in sorted(levels["rank"].dropna()))
        yield RANK_ORDER.problem(f"ranks are {shown}; they must be 1 to {len(levels)}, each once",
                      LEVELS, None, "rank", shown)
    order = pd.to_numeric(levels["decision_order"], errors="coerce")
    without = levels[[len(cues) == 0 for cues in levels["cue_phrases"]]]
    if len(without) != 1 or order.isna().any() or order[without.index].iloc[0] != order.max():
        yield RUBRIC_INVALID.problem("exactly one evidence level has no cue phrases, and it comes last in "
                      "decision_order (it grades the quotes that hold no cue)", LEVELS, None, "cue_phrases")
    if sum(len(cues) == 0 for cues in directions["cue_phrases"]) != 1:
        yield RUBRIC_INVALID.problem("exactly one direction has no cue phrases: the default", DIRECTIONS, None, "cue_phrases")


def _grade(table: str, row: str, level: object, expected: tuple[str, str | None]) -> Iterator[Problem]:
    implied, cue = expected
    if level != implied and isinstance(level, str):
        why = f"the quote holds the cue phrase {cue!r}" if cue else "the quote holds no cue phrase of any level"
        yield GRADE_RUBRIC.problem(f"{why}: the rubric grades it {implied}", table, row, "evidence_level_id", level)


def _direction(table: str, row: str, direction: object, note: object, expected: tuple[str, str | None],
               default: str) -> Iterator[Problem]:
    implied, cue = expected
    if direction == implied or not isinstance(direction, str):
        return
    if direction == default and cue and isinstance(note, str) and f"'{cue.casefold()}' {NOT_A_NEGATION}" in note.casefold():
        return  # the note quotes the negation cue and says why it does not negate the relation
    if cue:
        message = (f"the quote holds the negation cue {cue!r}: the row {implied}, unless its note says \"'{cue}' "
                   f"{NOT_A_NEGATION} ...\" and why")
    else:
        message = f"the quote holds no cue phrase of {direction}: the row {implied}"
    yield DIRECTION_RUBRIC.problem(message, table, row, "direction", direction)
