"""Layer 3: the rubric, applied to every row (:mod:`painimmune.language.rubric`).

- **The rubric is well-formed**: the evidence ranks run 1, 2, 3, ...; exactly one level and exactly
  one species context have no cue phrases, and each is tried last; exactly one direction has no cue
  phrases (the default).
- **Grades follow the rubric**: a row's evidence level is the one the rubric gives its quote. So a
  quote that names models is preclinical whatever else it says, a hedged quote is never graded
  above hypothesis, a clinical grade needs the clinical cue in the quote, and a quote without any
  cue is an expert statement.
- **Species contexts follow the rubric and fit the grade**: a row's species context is the one the
  rubric gives its quote (patients: humans; models: animals; ...), or, where the quote holds no
  species cue, the one its level implies (a level that allows one kind of study, with one context
  of that kind: "used successfully to treat" is about humans); and its kind of study is one the
  row's level allows (``evidence_levels.study_kinds``: human clinical for the clinical levels,
  animal model or in vitro for preclinical, not stated for an expert statement).
- **Directions follow the rubric**: a quote holding a negation cue refutes, unless the row's note
  says so in these words: the cue in single quotes, then "does not negate", then why (``'not' does
  not negate the role: it reads 'not just ... but also'``); a refuting row's quote holds a negation cue.
- **The whole sentence decides**: a cue phrase of any level, direction or species context that lies
  in the quote's sentence but outside the quote ("There is no evidence that", "(possibly)", "in
  rodent models") is either inside the quote, where the rules above weigh it, or named in the
  row's note with why it does not bear on the row's relation: the cue in single quotes, then "does
  not bear on" (or, for a negation, "does not negate"), then why.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from painimmune.language.rubric import NOT_A_NEGATION, NOT_BEARING, Cue, Rubric, explained
from painimmune.language.sentences import sentences
from painimmune.language.text import span
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.package.installed import installed_package
from painimmune.validation.problems import Problem, declare
from painimmune.validation.rows import rows

_rule = declare("package", __name__)
RUBRIC_DIFFERS = _rule("rubric-differs", "The rubric is the installed one",
                       "Each row of the tables that grade and word every row (evidence_levels, directions, species_contexts and "
                       "relations: cue phrases, ranks, study kinds, taxa, Biolink predicates) that the installed painimmune ships is "
                       "in the package as it ships it: a package may add rows (a new relation) but cannot loosen or reword the rubric "
                       "it is graded by. Validate a package of another release with that release; in a checkout, the rubric is "
                       "edited in place.")
RANK_ORDER = _rule("rank-order", "Evidence ranks run 1, 2, 3, ...",
                   "The ranks of the evidence levels are consecutive from 1, each used once.")
RUBRIC_INVALID = _rule("rubric-invalid", "The rubric is well-formed",
                       "Exactly one evidence level and exactly one species context have no cue phrases, and each comes last in its "
                       "decision_order; exactly one direction has no cue phrases.")
GRADE_RUBRIC = _rule("grade-rubric", "Grades follow the rubric",
                     "A row's evidence level is the one the rubric gives its quote (painimmune.language.rubric): the first level in "
                     "decision_order whose cue phrase the quote holds, else the level without cue phrases. A quote that names models is "
                     "preclinical whatever else it says; a hedged quote is never graded above hypothesis.")
SPECIES_CONTEXT_RUBRIC = _rule("species-context-rubric", "Species contexts follow the rubric and fit the grade",
                               "A row's species context is the one the rubric gives its quote (the first species context in "
                               "decision_order whose cue phrase the quote holds; else the one its evidence level implies, where the "
                               "level allows one study kind with one context; else the context without cue phrases), and its study "
                               "kind is one its evidence level allows (evidence_levels.study_kinds): human clinical for the clinical "
                               "levels, animal model or in vitro for preclinical, not stated for an expert statement.")
DIRECTION_RUBRIC = _rule("direction-rubric", "Directions follow the rubric",
                         "A quote holding a negation cue (directions.cue_phrases) refutes, unless the row's note says \"'<cue>' does not "
                         "negate ...: <why>\" (the reason after a colon or in parentheses, three words or more); a refuting row's "
                         "quote holds a negation cue.")
CUE_OUTSIDE_QUOTE = _rule("cue-outside-quote", "The whole sentence decides",
                          "A cue phrase of a level, a direction or a species context that lies in the quote's sentence but outside the "
                          "quote (a negation, a hedge, 'in rodent models') is inside the quote, or the row's note names it and says "
                          "why it does not bear on the relation: \"'<cue>' does not bear on ...: <why>\" (for a negation, \"'<cue>' "
                          "does not negate ...: <why>\"; the reason after a colon or in parentheses, three words or more).")
LEVELS, DIRECTIONS, SPECIES_CONTEXTS = "evidence_levels", "directions", "species_contexts"


def rubric_of(frames: dict[str, pd.DataFrame]) -> Rubric:
    """The rubric of a package's tables (decision orders read as numbers)."""
    levels = frames[LEVELS].assign(decision_order=pd.to_numeric(frames[LEVELS]["decision_order"]))
    species = frames[SPECIES_CONTEXTS].assign(decision_order=pd.to_numeric(frames[SPECIES_CONTEXTS]["decision_order"]))
    return Rubric.from_tables(levels, frames[DIRECTIONS], species)


@dataclass(frozen=True)
class Grading:
    """What the rubric gives a quote: its level, direction and species context, each with the cue
    phrase that decided it (None where none did)."""

    level: tuple[str, str | None]
    direction: tuple[str, str | None]
    species: tuple[str, str | None]


class Grader:
    """The rubric of a package's tables, with what its levels imply of the species context."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        self.rubric = rubric_of(frames)
        self.study_kinds = {level: list(kinds) for level, kinds in zip(frames[LEVELS]["id"], frames[LEVELS]["study_kinds"], strict=True)}
        self.study_kind = dict(zip(frames[SPECIES_CONTEXTS]["id"], frames[SPECIES_CONTEXTS]["study_kind"], strict=True))

    def grade(self, quote: str) -> Grading:
        """The level, direction and species context of *quote*: a quote without a species cue takes
        the context its level implies, if it implies one."""
        level = self.rubric.grade(quote)
        species = self.rubric.species(quote)
        if species[1] is None:
            kinds = self.study_kinds.get(level[0], [])
            implied = [context for context, kind in self.study_kind.items() if len(kinds) == 1 and kind == kinds[0]]
            if len(implied) == 1:
                species = (implied[0], None)
        return Grading(level, self.rubric.direction(quote), species)


def check(package: DataPackage, frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    """Problems of the rubric tables and of every relationship row against them (*texts*: the
    source texts by id, for the sentences around the quotes; rows of sources without a text are
    graded on their quote alone)."""
    problems = list(_well_formed(frames[LEVELS], frames[DIRECTIONS], frames[SPECIES_CONTEXTS]))
    if problems:
        return problems
    grader = Grader(frames)
    rubric, study_kind = grader.rubric, grader.study_kind
    kinds_allowed = {level: set(kinds) for level, kinds in grader.study_kinds.items()}
    sentence_spans = {source: [(found.start, found.end) for found in sentences(text)] for source, text in texts.items()}
    grade = functools.lru_cache(maxsize=1 << 16)(grader.grade)  # rows with the same quote share its grading

    @functools.lru_cache(maxsize=1 << 16)  # rows quoting the same place share its cues
    def cues_outside(source: str, quote: str, start: object) -> tuple[Cue, ...]:
        offset = csvio.integer(start) if isinstance(start, str) else None
        pinned = span(quote, texts[source], offset) if offset is not None else None
        if pinned is None:
            return ()  # the grounding rules report a quote that is not where its row says
        return tuple(outside_cues(rubric, texts[source], sentence_spans[source], *pinned))

    for table in package.relationship_tables:
        frame = frames[table]
        columns = ("id", "source_id", "quote", "quote_start", "evidence_level_id", "direction", "species_context_qualifier", "note")
        for row, source, quote, start, level, direction, species, note in rows(frame, columns):
            if isinstance(species, str) and kinds_allowed.get(level) and study_kind.get(species) not in kinds_allowed[level]:
                problems.append(SPECIES_CONTEXT_RUBRIC.problem(
                    f"a row graded {level} has its evidence gathered in {' or '.join(sorted(kinds_allowed[level]))}; "
                    f"{species!r} is {study_kind.get(species)}", table, row, "species_context_qualifier", species))
            if not isinstance(quote, str):
                continue
            grading = grade(quote)
            if level != grading.level[0]:
                problems += _grade(table, row, level, grading.level)
            if direction != grading.direction[0]:
                problems += _direction(table, row, direction, note, grading.direction, rubric.default_direction)
            context, cue = grading.species
            if isinstance(species, str) and species != context:
                why = (f"the quote holds the cue phrase {cue!r}" if cue else
                       f"the quote holds no cue phrase of any species context, and its level {grading.level[0]} implies")
                problems.append(SPECIES_CONTEXT_RUBRIC.problem(f"{why}: the rubric gives it {context}", table, row,
                                                              "species_context_qualifier", species))
            if source in texts:
                problems += _outside(table, row, cues_outside(str(source), quote, start), quote, note)
    return problems


def _well_formed(levels: pd.DataFrame, directions: pd.DataFrame, species: pd.DataFrame) -> Iterator[Problem]:
    kinds = set(species["study_kind"])
    for level, allowed in zip(levels["id"], levels["study_kinds"], strict=True):
        for kind in allowed:
            if kind not in kinds:
                yield RUBRIC_INVALID.problem(f"{kind!r} is not the study kind of any species context", LEVELS, level, "study_kinds", kind)
    ranks = pd.to_numeric(levels["rank"], errors="coerce")
    if sorted(ranks.dropna().astype(int)) != list(range(1, len(levels) + 1)):
        shown = ", ".join(str(rank) for rank in sorted(levels["rank"].dropna()))
        yield RANK_ORDER.problem(f"ranks are {shown}; they must be 1 to {len(levels)}, each once",
                                 LEVELS, None, "rank", shown)
    for table, frame, what in ((LEVELS, levels, "evidence level"), (SPECIES_CONTEXTS, species, "species context")):
        order = pd.to_numeric(frame["decision_order"], errors="coerce")
        without = frame[[len(cues) == 0 for cues in frame["cue_phrases"]]]
        if len(without) != 1 or order.isna().any() or order[without.index].iloc[0] != order.max():
            yield RUBRIC_INVALID.problem(f"exactly one {what} has no cue phrases, and it comes last in decision_order (it applies "
                                         "to the quotes that hold no cue)", table, None, "cue_phrases")
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
    if direction == default and cue and explained(note, cue, (NOT_A_NEGATION,)):
        return  # the note quotes the negation cue and says why it does not negate the relation
    if cue:
        message = (f"the quote holds the negation cue {cue!r}: the row {implied}, unless its note says \"'{cue}' "
                   f"{NOT_A_NEGATION} ...: <why, in three words or more>\"")
    else:
        message = f"the quote holds no cue phrase of {direction}: the row {implied}"
    yield DIRECTION_RUBRIC.problem(message, table, row, "direction", direction)


def outside_cues(rubric: Rubric, text: str, sentence_spans: list[tuple[int, int]], start: int, end: int) -> list[Cue]:
    """The cues of the sentences that hold the span ``start:end`` of *text* that do not lie wholly
    inside the span: a cue the span cuts ("the lack of | effect of") is outside it. Offsets are in
    *text*; *sentence_spans* are in order, as :func:`painimmune.language.sentences.sentences` gives
    them, so those holding the span are found by a binary search."""
    found = []
    first_holding = bisect.bisect_right([last for _, last in sentence_spans], start)
    for first, last in sentence_spans[first_holding:]:
        if first >= end:
            break
        if start < last:
            found += [Cue(cue.kind, cue.value, cue.phrase, first + cue.start, first + cue.end) for cue in rubric.cues(text[first:last])
                      if not start <= first + cue.start < first + cue.end <= end]
    return found


def _outside(table: str, row: str, cues: tuple[Cue, ...], quote: str, note: object) -> Iterator[Problem]:
    reported = set()
    for cue in cues:
        phrases = (NOT_BEARING, NOT_A_NEGATION) if cue.kind == "direction" else (NOT_BEARING,)
        if cue.phrase.casefold() in reported or explained(note, cue.phrase, phrases):
            continue
        reported.add(cue.phrase.casefold())
        yield CUE_OUTSIDE_QUOTE.problem(
            f"the quote's sentence holds the {cue.kind} cue {cue.phrase!r} at {cue.start}, outside the quote: take it into the "
            f"quote, or say in the note \"'{cue.phrase.casefold()}' {NOT_BEARING} ...: <why, in three words or more>\"", table,
            row, "quote", quote)


# The tables of the rubric and of the words of every row, held to the installed ones.
RUBRIC_TABLES = (LEVELS, DIRECTIONS, SPECIES_CONTEXTS, "relations")


def rubric_drift(package: DataPackage, texts: dict[str, pd.DataFrame]) -> list[Problem]:
    """A problem for each row of a table of :data:`RUBRIC_TABLES` that the installed painimmune ships
    and the package lacks or holds otherwise (*texts*: the package's tables as raw strings); none in
    the installed checkout itself."""
    installed = installed_package(package)
    if installed is None:
        return []
    problems = []
    for name in RUBRIC_TABLES:
        if name not in texts or name not in installed.table_names:
            continue
        header, lines = csvio.parse(installed.table_path(name).read_text(encoding="utf-8"), name)
        ours = {row["id"]: row for row in texts[name].to_dict("records")}
        for cells in lines:
            theirs = dict(zip(header, cells, strict=True))
            row = ours.get(theirs["id"])
            changed = [column for column, value in theirs.items() if row is None or _cell(row.get(column)) != value]
            if changed:
                what = "has no row" if row is None else f"has another {changed[0]} in row"
                problems.append(RUBRIC_DIFFERS.problem(f"the package {what} {theirs['id']!r} than the installed painimmune "
                                                       f"{installed.version} ships; the rubric a package is graded by is the installed one",
                                                       name, theirs["id"], None if row is None else changed[0]))
    return problems


def _cell(value: object) -> str:
    """A raw cell as written (a missing one is empty)."""
    return value if isinstance(value, str) else ""
