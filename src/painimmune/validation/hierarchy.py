"""Layer 3: the entity hierarchy (each entity table's ``parents`` column).

- a parent is an entity of the same table, not the entity itself (``parent-unknown``), and a class
  (``is_class`` true: ``parent-not-a-class``);
- following parents never leads back to where it started (``parent-cycle``);
- where an entity and its parent each have an exact identifier of the same ontology with a
  subclass hierarchy (CL, ChEBI, GO, MONDO), the parent's identifier is a superclass of the
  entity's in that ontology, as ``reference/ontologies/superclasses.tsv`` records it from the
  ontology's release (``parent-ontology``): T cell (CL:0000084) under lymphocyte (CL:0000542) is
  checked; an entity without a recorded closure cannot be placed under a class with an identifier;
- likewise an entity's narrow matches are subclasses of its exact term, and its broad matches
  superclasses of it, where the closure is recorded (``match-ontology``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from painimmune.package.descriptor import DataPackage
from painimmune.package.reference import SUPERCLASSES, installed_root, read_superclasses
from painimmune.package.schemas import BROAD_MATCH, NARROW_MATCH, Schema, mapping_columns, mapping_curies, xref_columns
from painimmune.validation.problems import Problem, declare

_rule = declare("package", __name__)
PARENT_UNKNOWN = _rule("parent-unknown", "Parents are entities of the table",
                       "Each item of an entity's parents is the id of another row of the same table.")
PARENT_NOT_A_CLASS = _rule("parent-not-a-class", "Parents are classes",
                           "Each parent of an entity is a row with is_class true (a class or group, such as 'adaptive immune cells').")
PARENT_CYCLE = _rule("parent-cycle", "The hierarchy has no cycle",
                     "Following parents from an entity never leads back to it.")
PARENT_ONTOLOGY = _rule("parent-ontology", "The hierarchy agrees with the ontologies",
                        "Where an entity and its parent each have an exact identifier of the same ontology with a subclass hierarchy "
                        "(CL, ChEBI, GO, MONDO), the parent's is a superclass of the entity's in that ontology, as "
                        "reference/ontologies/superclasses.tsv records it from the ontology's release.")
MATCH_ONTOLOGY = _rule("match-ontology", "Narrow and broad matches agree with the ontologies",
                       "Where an entity has an exact identifier of an ontology with a subclass hierarchy (CL, ChEBI, GO, MONDO) and a "
                       "narrow or broad match of the same ontology whose superclasses reference/ontologies/superclasses.tsv records, "
                       "a narrow match is a subclass of the exact term and a broad match a superclass of it (b_cell's narrow match "
                       "cannot be astrocyte). A term without a recorded closure is not checked.")
HIERARCHIES = ("CL", "CHEBI", "GO", "MONDO")


def check(package: DataPackage, frames: dict[str, pd.DataFrame], notes: list[str]) -> list[Problem]:
    """Problems of the ``parents`` and of the narrow and broad matches of every entity table
    (*frames*: raw strings with lists split)."""
    superclasses = read_superclasses(installed_root())
    if superclasses is None:
        notes.append(f"parents not checked against the ontologies: this copy does not hold {SUPERCLASSES}")
    problems: list[Problem] = []
    for table in package.entity_tables:
        frame = frames[table]
        exact = _exact_ids(frame, xref_columns(package.schema(table))) if superclasses is not None else {}
        if "parents" in frame:
            classes = {entity: flag == "true" for entity, flag in zip(frame["id"], frame.get("is_class", pd.Series(dtype=object)),
                                                                       strict=False)}
            parents = dict(zip(frame["id"], frame["parents"], strict=True))
            problems += _links(table, parents, classes)
            problems += _cycles(table, parents)
            if superclasses is not None:
                problems += _ontology(table, frame, exact, superclasses)
        if superclasses is not None:
            problems += _matches(table, frame, package.schema(table), exact, superclasses)
    return problems


def _exact_ids(frame: pd.DataFrame, columns: list[str]) -> dict[str, dict[str, str]]:
    """Each entity's exact identifiers (of the exact-match *columns*), by ontology prefix."""
    return {entity: {value.split(":", 1)[0]: value for value in values if isinstance(value, str)}
            for entity, *values in zip(frame["id"].tolist(), *(frame[column].tolist() for column in columns), strict=True)}


def _links(table: str, parents: dict[str, list[str]], classes: dict[str, bool]) -> Iterator[Problem]:
    for entity, items in parents.items():
        for parent in items:
            if parent not in parents or parent == entity:
                yield PARENT_UNKNOWN.problem(f"{parent!r} is not another entity of {table}", table, entity, "parents", parent)
            elif not classes.get(parent):
                yield PARENT_NOT_A_CLASS.problem(f"{table}.{parent} is not a class (is_class is not true)", table, entity, "parents",
                                                 parent)


def _cycles(table: str, parents: dict[str, list[str]]) -> Iterator[Problem]:
    reported: set[str] = set()
    for entity in parents:
        frontier = list(parents[entity])
        seen: set[str] = set()
        while frontier:
            current = frontier.pop()
            if current == entity:
                if entity not in reported:
                    reported.add(entity)
                    yield PARENT_CYCLE.problem("following the parents of this entity leads back to it", table, entity, "parents",
                                               "|".join(parents[entity]))
                break
            if current in seen or current not in parents:
                continue
            seen.add(current)
            frontier += parents[current]


def _ontology(table: str, frame: pd.DataFrame, curies: dict[str, dict[str, str]],
              superclasses: dict[str, frozenset[str]]) -> Iterator[Problem]:
    for entity, items in zip(frame["id"], frame["parents"], strict=True):
        for parent in items:
            for prefix in HIERARCHIES:
                child_id, parent_id = curies.get(entity, {}).get(prefix), curies.get(parent, {}).get(prefix)
                if child_id is None or parent_id is None:
                    continue
                if child_id not in superclasses:
                    yield PARENT_ONTOLOGY.problem(f"{SUPERCLASSES} records no superclasses of {child_id}, so the link to {parent} "
                                                  f"({parent_id}) cannot be checked", table, entity, "parents", parent)
                elif parent_id not in superclasses[child_id]:
                    yield PARENT_ONTOLOGY.problem(f"{parent_id} (of {table}.{parent}) is not a superclass of {child_id} in "
                                                  f"{prefix}", table, entity, "parents", parent)


def _matches(table: str, frame: pd.DataFrame, schema: Schema, curies: dict[str, dict[str, str]],
             superclasses: dict[str, frozenset[str]]) -> Iterator[Problem]:
    """The ``match-ontology`` problems of one entity table (*frame*: raw strings with lists split;
    *curies*: each entity's exact identifiers by prefix)."""
    kinds = {column: predicate for column, predicate in mapping_columns(schema).items() if predicate in (NARROW_MATCH, BROAD_MATCH)}
    for row in frame[["id", *kinds]].to_dict("records"):
        exact_ids = curies.get(row["id"], {})
        for column, predicate in kinds.items():
            for term in mapping_curies(row[column]):
                prefix = term.split(":", 1)[0]
                exact_id = exact_ids.get(prefix)
                if prefix not in HIERARCHIES or exact_id is None:
                    continue
                if predicate == NARROW_MATCH and term in superclasses and exact_id not in superclasses[term]:
                    yield MATCH_ONTOLOGY.problem(f"a narrow match is a subclass of the exact match, and {term} is not a subclass of "
                                                 f"{exact_id} in {prefix}", table, row["id"], column, term)
                elif predicate == BROAD_MATCH and exact_id in superclasses and term not in superclasses[exact_id]:
                    yield MATCH_ONTOLOGY.problem(f"a broad match is a superclass of the exact match, and {term} is not a superclass "
                                                 f"of {exact_id} in {prefix}", table, row["id"], column, term)
