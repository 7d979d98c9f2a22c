"""What validation finds, and the rules it checks.

A rule is declared in the module that checks it (:func:`declare`: its id, title and description,
in the layer of that module), and every fault found is a :class:`Problem` made by its rule
(:meth:`Rule.problem`), naming table, row, column and value. The catalogue of all declared rules is
:data:`painimmune.validation.rules.RULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One fault in the data package.

    Attributes:
        layer: the validation layer that found it: ``frictionless``, ``pandera`` or ``package``.
        rule: id of the rule broken, a declared :class:`Rule` (e.g. ``pattern``, ``foreign-key``,
            ``quote-not-found``); any other id is refused.
        message: what is wrong, in words a curator can act on.
        table: the table (resource) name, if the fault is in one.
        row: the row's primary key (or ``line N`` where no key can be read).
        column: the column name, if the fault is in one; for a fault of the descriptor itself (no
            table), the descriptor property (shown as ``property licenses``).
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
        known = _DECLARED.get(self.rule)
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
            None if self.column is None else f"column {self.column}" if self.table is not None else f"property {self.column}",
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


@dataclass(frozen=True)
class Rule:
    """One validation rule, declared where it is checked.

    Attributes:
        id: what a :class:`Problem` names (``quote-not-found``).
        title: the rule in a few words.
        description: what the rule requires, for docs/rules.md and ``painimmune validate --list-rules``.
        layer: ``frictionless``, ``pandera`` or ``package``.
        module: the module that declares and checks it.
        repaired_by_build: ``scripts/build.py`` repairs it rather than refuses it (it derives the
            row order and the hash, bytes and rows it records).
    """

    id: str
    title: str
    description: str
    layer: str
    module: str
    repaired_by_build: bool = False

    def problem(self, message: str, table: str | None = None, row: str | None = None, column: str | None = None,
                value: str | None = None) -> Problem:
        """A fault of this rule, with what is wrong (*message*) and where."""
        return Problem(self.layer, self.id, message, table, row, column, value)


# Every rule declared so far, by id, in order of declaration.
_DECLARED: dict[str, Rule] = {}


def declare(layer: str, module: str) -> Callable[..., Rule]:
    """A function that declares the rules of one checking *module* in *layer*:

    >>> rule = declare("package", "an.example")
    >>> EXAMPLE = rule("example-rule", "An example", "What the example requires.")
    >>> EXAMPLE.problem("what is wrong", "mediators", "tnf", "name").rule
    'example-rule'
    >>> _ = _DECLARED.pop("example-rule")

    Raises:
        ValueError: a rule id is declared twice.
    """
    def rule(rule_id: str, title: str, description: str, *, repaired_by_build: bool = False) -> Rule:
        if rule_id in _DECLARED:
            raise ValueError(f"validation rule {rule_id!r} is declared twice ({_DECLARED[rule_id].module} and {module})")
        _DECLARED[rule_id] = Rule(rule_id, title, description, layer, module, repaired_by_build)
        return _DECLARED[rule_id]

    return rule


def declared(rule_id: str) -> Rule:
    """The declared rule *rule_id* (for checks that decide which of their rules a fault breaks).

    Raises:
        ValueError: no rule of that id is declared.
    """
    try:
        return _DECLARED[rule_id]
    except KeyError:
        raise ValueError(f"unknown validation rule {rule_id!r}; the rules are listed by `painimmune validate --list-rules`") from None


def all_declared() -> list[Rule]:
    """Every declared rule, in order of declaration."""
    return list(_DECLARED.values())
