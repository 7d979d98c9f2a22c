"""The catalogue of validation rules: every rule validation can report, gathered from the modules
that declare and check them (:func:`painimmune.validation.problems.declare`).

Each rule has an id (what a :class:`~painimmune.validation.problems.Problem` names), the layer that
checks it, a title and a description, the module that checks it, and whether ``scripts/build.py``
repairs it (the build fixes only what it derives: row order, and the hash, bytes and rows it
records). ``docs/rules.md`` is generated from this catalogue, ``painimmune validate --rule ID`` and
``--skip-rule ID`` choose among these ids, and a problem naming a rule outside it cannot be made.

>>> from painimmune.validation.rules import RULES, repaired_by_build
>>> sorted(repaired_by_build())[:3]
['byte-count', 'citation-stale', 'croissant-stale']
>>> RULES["quote-not-found"].layer, RULES["quote-not-found"].module
('package', 'painimmune.validation.grounding')
"""

from __future__ import annotations

from painimmune.errors import UnknownChoiceError

# The checking modules, imported for the rules they declare (layer 1, layer 2, layer 3).
from painimmune.validation import (  # noqa: F401
    cited_references,
    croissant_rules,
    extensions,
    frictionless_layer,
    grounding,
    hierarchy,
    package_rules,
    pandera_layer,
    reference_rules,
    rubric_rules,
    statement_rules,
)
from painimmune.validation.problems import Rule, all_declared

LAYERS = {
    "frictionless": "Layer 1: the descriptor and Table Schemas (Frictionless profiles and the package's own "
                    "properties), the files the package declares, and the integrity it records.",
    "pandera": ("Layer 2: every row-level check, generated from the Table Schemas and run vectorised with pandas; pandera runs "
                "the generated schema of a table that a pre-check finds a fault in, and names each fault."),
    "package": "Layer 3: rules about the package as a whole: quotes, sources, cross-references, the rubric, "
               "usage, versions and normal form.",
}

RULES: dict[str, Rule] = {entry.id: entry for layer in LAYERS for entry in all_declared() if entry.layer == layer}


def rule(rule_id: str) -> Rule:
    """The rule with id *rule_id*; raises ``UnknownChoiceError`` naming the known ids for any other."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise UnknownChoiceError(f"unknown validation rule {rule_id!r}; the rules are listed by `painimmune validate --list-rules`") from None


def repaired_by_build() -> frozenset[str]:
    """Ids of the rules that ``scripts/build.py`` repairs rather than refuses."""
    return frozenset(rule_id for rule_id, entry in RULES.items() if entry.repaired_by_build)


def layer_rules(layer: str) -> list[str]:
    """Ids of the rules of *layer*, in catalogue order."""
    return [rule_id for rule_id, entry in RULES.items() if entry.layer == layer]
