"""The rubric as code: the evidence level and the direction that a quote's cue phrases imply.

The rubric itself is data. Each evidence level (``tables/evidence_levels.csv``) has its cue phrases
and a ``decision_order``: the levels are tried in that order and the first whose cue phrase occurs
in the quote is the grade (models before hedges, hedges before the clinical levels); the one level
without cue phrases, tried last, is the grade when none occurs. Each direction
(``tables/directions.csv``) has its cue phrases: a quote holding a cue phrase of ``refutes`` (a
negation) refutes, any other takes the direction without cue phrases (``supports``). A cue phrase matches as whole words, ignoring case and runs
of whitespace.

Validation checks every row against :meth:`Rubric.grade` and :meth:`Rubric.direction`, and the
worksheet tool proposes them.

>>> rubric = Rubric({"preclinical": ["models"], "hypothesis": ["may"], "expert_statement": []},
...                 {"supports": [], "refutes": ["lack of effect", "not"]})
>>> rubric.grade("Regulatory T-cells may resolve pain")
('hypothesis', 'may')
>>> rubric.grade("Microglia are activated in neuropathic pain models and may matter")
('preclinical', 'models')
>>> rubric.grade("Microglia release IL-1β")
('expert_statement', None)
>>> rubric.direction("the lack of effect of cyclooxygenase inhibitors")
('refutes', 'lack of effect')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


def _pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """One regular expression matching any of *phrases* as whole words (longest first)."""
    if not phrases:
        return None
    alternatives = [r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in sorted(phrases, key=len, reverse=True)]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass
class Rubric:
    """Cue phrases of the evidence levels (in decision order) and of the directions."""

    levels: dict[str, list[str]]  # level id -> cue phrases, in decision order
    directions: dict[str, list[str]]  # direction id -> cue phrases
    _level_patterns: list[tuple[str, re.Pattern[str] | None]] = field(init=False, repr=False)
    _direction_patterns: list[tuple[str, re.Pattern[str] | None]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._level_patterns = [(level, _pattern(cues)) for level, cues in self.levels.items()]
        self._direction_patterns = [(direction, _pattern(cues)) for direction, cues in self.directions.items()]

    @classmethod
    def from_tables(cls, levels: Any, directions: Any) -> Rubric:
        """The rubric of the ``evidence_levels`` and ``directions`` frames (lists as Python lists)."""
        ordered = levels.sort_values("decision_order")
        return cls({level: list(cues) for level, cues in zip(ordered["id"], ordered["cue_phrases"])},
                   {direction: list(cues) for direction, cues in zip(directions["id"], directions["cue_phrases"])})

    def grade(self, quote: str) -> tuple[str, str | None]:
        """The evidence level the rubric gives *quote*, and the cue phrase that decided it (None
        when no cue occurs and the level without cues applies)."""
        fallback = None
        for level, pattern in self._level_patterns:
            if pattern is None:
                fallback = fallback or level
                continue
            match = pattern.search(quote)
            if match:
                return level, match.group(0)
        if fallback is None:
            raise ValueError("the rubric has no level without cue phrases to grade a quote that holds none")
        return fallback, None

    @property
    def default_direction(self) -> str:
        """The direction without cue phrases (``supports``)."""
        return next(direction for direction, pattern in self._direction_patterns if pattern is None)

    def direction(self, quote: str) -> tuple[str, str | None]:
        """A direction with cue phrases (``refutes``) when one of them occurs in *quote*, with that
        phrase; the default direction and None otherwise."""
        for direction, pattern in self._direction_patterns:
            if pattern is not None:
                match = pattern.search(quote)
                if match:
                    return direction, match.group(0)
        return self.default_direction, None
