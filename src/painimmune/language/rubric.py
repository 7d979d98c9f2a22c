"""The rubric as code: the evidence level, the direction and the species context that a quote's cue
phrases imply.

The rubric itself is data. Each evidence level (``tables/evidence_levels.csv``) has its cue phrases
and a ``decision_order``: the levels are tried in that order and the first whose cue phrase occurs
in the quote is the grade (models before hedges, hedges before the clinical levels); the one level
without cue phrases, tried last, is the grade when none occurs. Each direction
(``tables/directions.csv``) has its cue phrases: a quote holding a cue phrase of ``refutes`` (a
negation) refutes, any other takes the direction without cue phrases (``supports``). Each species
context (``tables/species_contexts.csv``) is tried in its ``decision_order`` as the levels are
(named species, then unnamed models, in vitro, patients; ``not stated`` when no cue occurs). A cue
phrase matches as whole words, ignoring case and runs of whitespace.

The whole sentence decides: :meth:`Rubric.cues` finds every cue of a text with its place, so that
validation can require a cue of the quote's sentence that lies outside the quote to be inside it,
or to be named in the row's note with why it does not bear on the relation.

Validation checks every row against :meth:`Rubric.grade`, :meth:`Rubric.direction` and
:meth:`Rubric.species`, and the worksheet tool proposes them.

>>> rubric = Rubric({"preclinical": ["models"], "hypothesis": ["may"], "expert_statement": []},
...                 {"supports": [], "refutes": ["lack of effect", "not"]},
...                 {"animal": ["models"], "human": ["patients"], "not_stated": []})
>>> rubric.grade("Regulatory T-cells may resolve pain")
('hypothesis', 'may')
>>> rubric.grade("Microglia are activated in neuropathic pain models and may matter")
('preclinical', 'models')
>>> rubric.grade("Microglia release IL-1β")
('expert_statement', None)
>>> rubric.direction("the lack of effect of cyclooxygenase inhibitors")
('refutes', 'lack of effect')
>>> rubric.species("the lack of effect of cyclooxygenase inhibitors in patients")
('human', 'patients')
>>> [(cue.kind, cue.phrase, cue.start) for cue in rubric.cues("IL-17 may act in models, not in patients")]
[('level', 'may', 6), ('level', 'models', 17), ('species', 'models', 17), ('direction', 'not', 25), ('species', 'patients', 32)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# How a row's note says that a cue of its quote's sentence does not decide the row: a negation cue
# that does not negate the relation ("'not' does not negate the role"), and any cue (or modal verb)
# that does not bear on it ("'may' does not bear on this relation: ...").
NOT_A_NEGATION = "does not negate"
NOT_BEARING = "does not bear on"


def explained(note: object, cue: str, phrases: tuple[str, ...]) -> bool:
    """Whether *note* names *cue* in single quotes followed by one of *phrases* and, after a colon
    (or in parentheses), the reason in at least three words.

    >>> explained("'may' does not bear on this relation: it hedges another clause", "May", (NOT_BEARING,))
    True
    >>> explained("'lack of effect' does not negate the relation.", "lack of effect", (NOT_A_NEGATION,))
    False
    """
    if not isinstance(note, str):
        return False
    named = "|".join(re.escape(f"'{cue.casefold()}' {phrase}") for phrase in phrases)
    return re.search(rf"(?:{named})[^:.;(]{{0,80}}[:(]\s*\S+(?:\s+\S+){{2,}}", note.casefold()) is not None


def _pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """One regular expression matching any of *phrases* as whole words (longest first)."""
    if not phrases:
        return None
    alternatives = [r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in sorted(phrases, key=len, reverse=True)]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Cue:
    """A cue phrase found in a text: what it is a cue of (``level``, ``direction`` or ``species``),
    the value it implies, the words found and where they lie."""

    kind: str
    value: str
    phrase: str
    start: int
    end: int


@dataclass
class Rubric:
    """Cue phrases of the evidence levels and of the species contexts (each in decision order) and
    of the directions."""

    levels: dict[str, list[str]]  # level id -> cue phrases, in decision order
    directions: dict[str, list[str]]  # direction id -> cue phrases
    species_contexts: dict[str, list[str]]  # species context id -> cue phrases, in decision order
    _patterns: dict[str, list[tuple[str, re.Pattern[str] | None]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._patterns = {kind: [(value, _pattern(cues)) for value, cues in table.items()]
                          for kind, table in (("level", self.levels), ("direction", self.directions),
                                              ("species", self.species_contexts))}

    @classmethod
    def from_tables(cls, levels: Any, directions: Any, species_contexts: Any) -> Rubric:
        """The rubric of the ``evidence_levels``, ``directions`` and ``species_contexts`` frames
        (lists as Python lists)."""
        def ordered(frame: Any) -> dict[str, list[str]]:
            frame = frame.sort_values("decision_order")
            return {value: list(cues) for value, cues in zip(frame["id"], frame["cue_phrases"], strict=True)}

        return cls(ordered(levels), {direction: list(cues) for direction, cues in zip(directions["id"], directions["cue_phrases"], strict=True)},
                   ordered(species_contexts))

    def grade(self, quote: str) -> tuple[str, str | None]:
        """The evidence level the rubric gives *quote*, and the cue phrase that decided it (None
        when no cue occurs and the level without cues applies)."""
        return self._first("level", quote)

    def species(self, quote: str) -> tuple[str, str | None]:
        """The species context the rubric gives *quote*, and the cue phrase that decided it (None
        when no cue occurs and the context without cues applies)."""
        return self._first("species", quote)

    def _first(self, kind: str, quote: str) -> tuple[str, str | None]:
        fallback = None
        for value, pattern in self._patterns[kind]:
            if pattern is None:
                fallback = fallback or value
                continue
            match = pattern.search(quote)
            if match:
                return value, match.group(0)
        if fallback is None:
            raise ValueError(f"the rubric has no {kind} without cue phrases for a quote that holds none")
        return fallback, None

    def cues(self, text: str) -> list[Cue]:
        """Every cue phrase of every level, direction and species context in *text*, in order of place."""
        found = [Cue(kind, value, match.group(0), match.start(), match.end())
                 for kind, patterns in self._patterns.items() for value, pattern in patterns if pattern is not None
                 for match in pattern.finditer(text)]
        return sorted(found, key=lambda cue: (cue.start, cue.end, cue.kind))

    @property
    def default_direction(self) -> str:
        """The direction without cue phrases (``supports``)."""
        return next(direction for direction, pattern in self._patterns["direction"] if pattern is None)

    def direction(self, quote: str) -> tuple[str, str | None]:
        """A direction with cue phrases (``refutes``) when one of them occurs in *quote*, with that
        phrase; the default direction and None otherwise."""
        for direction, pattern in self._patterns["direction"]:
            if pattern is not None:
                match = pattern.search(quote)
                if match:
                    return direction, match.group(0)
        return self.default_direction, None
