"""What validation finds: one :class:`Problem` per fault, naming table, row, column, value and rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from painimmune.validation.rules import RULES


@dataclass(frozen=True)
class Problem:
    """One fault in the data package.

    Attributes:
        layer: the validation layer that found it: ``frictionless``, ``pandera`` or ``package``.
        rule: id of the rule broken, one of :data:`painimmune.validation.rules.RULES` (e.g.
            ``pattern``, ``foreign-key``, ``quote-not-found``); any other id is refused.
        message: what is wrong, in words a curator can act on.
        table: the table (resource) name, if the fault is in one.
        row: the row's primary key (or ``line N`` where no key can be read).
        column: the column name, if the fault is in one.
        value: the offending value, as written in the file.
    """

    layer: str
    rule: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        known = RULES.get(self.rule)
        if known is None or known.layer != self.layer:
            raise ValueError(f"problem of rule {self.rule!r} in layer {self.layer!r}: not a rule of the catalogue "
                             "(painimmune.validation.rules)")
        # Bytes that were not UTF-8 reach us as surrogate escapes; show them as \xNN so that the
        # problem can always be printed and written as JSON.
        for name in ("message", "table", "row", "column", "value"):
            text = getattr(self, name)
            if isinstance(text, str) and not text.isascii():
                object.__setattr__(self, name, text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))

    def __str__(self) -> str:
        where = [part for part in (
            self.table,
            f"row {self.row}" if self.row is not None else None,
            f"column {self.column}" if self.column is not None else None,
            f"value {self.value!r}" if self.value is not None else None,
        ) if part]
        location = ": ".join(where) if where else "package"
        return f"[{self.layer}] {location}: {self.rule}: {self.message}"

    def to_dict(self) -> dict[str, str | None]:
        """The problem as a plain dict (for JSON output)."""
        return asdict(self)


@dataclass
class Report:
    """The outcome of :func:`painimmune.validation.validate`."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when no layer found a problem."""
        return not self.problems

    def __str__(self) -> str:
        lines = [str(problem) for problem in self.problems]
        lines += [f"note: {note}" for note in self.notes]
        lines.append("valid" if self.valid else f"invalid: {len(self.problems)} problem(s)")
        return "\n".join(lines)
