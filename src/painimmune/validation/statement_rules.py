"""Layer 3: what a relationship row states beyond its two ends: its named examples and its context.

- **Named examples** (``subject_examples``, ``object_examples``): each is an entity of the table of
  the end it exemplifies, and not that end itself (``example-unknown``); an end with examples is a
  class (``is_class`` true: ``example-of-an-instance``): the row states the relation of the class
  and names its members as examples. That each example's words are in the quote is checked with
  the other mentions (:mod:`.grounding`).
- **Disease context** (``disease_context_qualifier``): the condition in which the source places
  the relation, which is not one of the row's own ends (``context-is-an-end``): a row about
  rheumatoid arthritis has it as its object, not as its context.
- **Modal verb** (``modal_verb``): the modal verb with which the quote states the relation is a
  word of the quote, and one the relation's own phrase does not already hold
  (``modal-verb-grounded``); a modal verb of the quote is recorded, or the note says why it does not
  bear on the relation (``modal-verb-unrecorded``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from painimmune.language.phrases import holds_modal_verb, modal_verbs
from painimmune.language.rubric import NOT_BEARING, explained
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import assertion_columns, foreign_keys
from painimmune.validation.problems import Problem, declare
from painimmune.validation.rows import items, rows

_rule = declare("package", __name__)
EXAMPLE_UNKNOWN = _rule("example-unknown", "Examples are members of the end's table",
                        "Each item of subject_examples (object_examples) is the id of an entity of the table of the row's subject "
                        "(object), other than the subject (object) itself.")
EXAMPLE_OF_AN_INSTANCE = _rule("example-of-an-instance", "Examples exemplify a class",
                               "A row that names examples of its subject (object) has a subject (object) with is_class true: the row "
                               "states the relation of the class and names the examples as its members.")
CONTEXT_IS_AN_END = _rule("context-is-an-end", "A disease context is not one of the row's ends",
                          "A row's disease_context_qualifier is neither its subject nor its object: the context is the condition in "
                          "which the relation between the two holds.")
MODAL_VERB_GROUNDED = _rule("modal-verb-grounded", "A modal verb is the quote's",
                            "A row's modal_verb (can, could, may, might) is a word of its quote, and its relation's phrase holds no modal "
                            "verb of its own (can relieve): every heading and summary says the relation with it.")
MODAL_VERB_UNRECORDED = _rule("modal-verb-unrecorded", "A modal verb of the quote is recorded",
                              "A quote that holds a modal verb (can, could, may, might) records it in modal_verb, or the note says why it "
                              "does not bear on the relation (\"'can' does not bear on this relation: ...\"); a relation whose phrase holds "
                              "one needs neither.")
ROLES = ("subject", "object")


def check(package: DataPackage, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Problems of the examples and contexts of every relationship row (*frames*: raw strings, the
    lists of entity tables split; or loaded tables)."""
    classes = {table: {entity: flag == "true" for entity, flag in zip(frames[table]["id"], frames[table]["is_class"], strict=True)}
               for table in package.entity_tables if "is_class" in frames[table]}
    ids = {table: set(frames[table]["id"]) for table in package.entity_tables}
    modal_relations = set()
    if "relations" in frames and "phrase" in frames["relations"]:
        relations = frames["relations"]
        modal_relations = {relation for relation, phrase in zip(relations["id"], relations["phrase"], strict=True)
                           if isinstance(phrase, str) and holds_modal_verb(phrase)}
    problems: list[Problem] = []
    for table in package.relationship_tables:
        problems += _rows(package, table, frames[table], ids, classes)
        problems += _modalities(package, table, frames[table], modal_relations)
    return problems


def _modalities(package: DataPackage, table: str, frame: pd.DataFrame, modal_relations: set[str]) -> Iterator[Problem]:
    """The ``modal-verb-grounded`` and ``modal-verb-unrecorded`` problems of relationship *table*: a
    modal verb that is not a word of the row's quote, or that its relation's phrase already says; a
    modal verb of the quote neither recorded nor explained in the note."""
    if "modal_verb" not in frame or "quote" not in frame:
        return
    predicate = assertion_columns(package.schema(table)).predicate
    note = frame["note"] if "note" in frame else pd.Series(None, index=frame.index, dtype=object)
    for key, verb, quote, relation, note_text in rows({"id": frame["id"], "modal_verb": frame["modal_verb"], "quote": frame["quote"],
                                                          "relation": frame[predicate], "note": note},
                                                         ["id", "modal_verb", "quote", "relation", "note"]):
        if not isinstance(verb, str) or not verb:
            said = modal_verbs(quote) if isinstance(quote, str) else []
            unexplained = [word for word in said if not explained(note_text, word, (NOT_BEARING,))]
            if unexplained and relation not in modal_relations:
                yield MODAL_VERB_UNRECORDED.problem(f"the quote says {unexplained[0]!r}: record it in modal_verb, or say in the note "
                                                    f"\"'{unexplained[0]}' does not bear on this relation: ...\"", table, key, "modal_verb", "")
            continue
        if not isinstance(quote, str) or verb not in modal_verbs(quote):
            yield MODAL_VERB_GROUNDED.problem(f"{verb!r} is not a word of the row's quote", table, key, "modal_verb", verb)
        elif relation in modal_relations:
            yield MODAL_VERB_GROUNDED.problem(f"the relation {relation!r} already says it with a modal verb; leave modal_verb empty",
                                              table, key, "modal_verb", verb)


def ends(package: DataPackage, table: str, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The ends of each row of relationship *table*, as Series of its rows by name: ``subject_table``,
    ``subject``, ``object_table`` and ``object`` (the object column a row sets)."""
    roles = assertion_columns(package.schema(table))
    targets = {column: resource for column, resource, _ in foreign_keys(package.schema(table))}
    objects = frame[roles.objects[0]]
    object_tables = pd.Series(targets[roles.objects[0]], index=frame.index, dtype=object).where(objects.notna())
    for column in roles.objects[1:]:
        objects = objects.combine_first(frame[column])
        object_tables = object_tables.where(frame[column].isna(), targets[column])
    return {"subject_table": pd.Series(targets[roles.subject], index=frame.index, dtype=object), "subject": frame[roles.subject],
            "object_table": object_tables, "object": objects}


def _rows(package: DataPackage, table: str, frame: pd.DataFrame, ids: dict[str, set[str]],
          classes: dict[str, dict[str, bool]]) -> Iterator[Problem]:
    found = ends(package, table, frame)
    missing = pd.Series(None, index=frame.index, dtype=object)
    values = {"id": frame["id"], **{role: found[role] for role in ROLES}, **{f"{role}_table": found[f"{role}_table"] for role in ROLES},
              **{f"{role}_examples": frame.get(f"{role}_examples", missing) for role in ROLES},
              "context": frame.get("disease_context_qualifier", missing)}
    for key, subject, object_, subject_table, object_table, subject_examples, object_examples, disease in rows(values, list(values)):
        for role, cell, end_table, end in (("subject", subject_examples, subject_table, subject), ("object", object_examples, object_table, object_)):
            examples = items(cell)
            if not examples or not isinstance(end_table, str):
                continue
            column = f"{role}_examples"
            for example in examples:
                if example not in ids.get(end_table, set()) or example == end:
                    yield EXAMPLE_UNKNOWN.problem(f"{example!r} is not another entity of {end_table}, the table of the row's {role}",
                                                  table, key, column, example)
            if not classes.get(end_table, {}).get(end, False):
                yield EXAMPLE_OF_AN_INSTANCE.problem(f"{end_table}.{end} is not a class (is_class is not true), so it has no examples",
                                                     table, key, column, "|".join(examples))
        if isinstance(disease, str) and disease in (subject, object_):
            yield CONTEXT_IS_AN_END.problem("the disease context is one of the row's own ends; leave it empty", table, key,
                                            "disease_context_qualifier", disease)
