"""Everything the data says about one entity: ``painimmune about crps``.

An entity is found by its id, name, any synonym or accepted mention, compared by
:func:`painimmune.language.folding.fold` (case, accents, spaces, punctuation and plurals ignored:
``crps``, ``CRPS``, ``complex regional pain syndrome``, ``TNF-alpha``, ``tnfa``, ``TNF-α``,
``macrophages``). What the sources say comes in four parts, each labelled as what it is:

1. the entity's own assertions, grouped by relation, strongest evidence first;
2. for a condition, the rows that place a relation between other entities *in* it (its disease
   context: "In CRPS, antibodies ... activate pain fibres");
3. the rows that name the entity as an *example* of a class ("cytokines (e.g. IL-6)"): statements
   about the class, never direct statements about the entity;
4. the assertions about each of its *classes* (``parents``, nearest first: a T cell's adaptive
   immune cells, then immune cells), which it belongs to.

Each part, and each group in it, carries its evidence profile (:mod:`painimmune.profile`).

>>> import painimmune as pim
>>> pim.about("tnfa")["entity"]["id"]
'tnf'
>>> [section["kind"] for section in pim.about("IL-6")["sections"]]
['direct', 'example', 'class', 'class', 'class']
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypedDict

import pandas as pd

from painimmune import escape
from painimmune.errors import DataError, UnknownChoiceError, UnknownEntityError
from painimmune.graph import assertion_rows, qualifier_names
from painimmune.language.folding import fold
from painimmune.language.phrases import is_plural, statement, with_modality
from painimmune.loader import load
from painimmune.package.descriptor import DataPackage
from painimmune.package.installed import require_fields
from painimmune.package.reference import installed_root, read_terms
from painimmune.package.schemas import entity_labels, foreign_keys
from painimmune.profile import EvidenceProfile, profile_of
from painimmune.summaries import Row as SummaryRow
from painimmune.summaries import Sentence, profile_line, relation_said, summary

FORMATS = ("text", "markdown", "json")


class EntityRef(TypedDict):
    """An entity named in a result: its table, id and name."""

    table: str
    id: str
    name: str


class Entity(EntityRef):
    """The entity asked about: also its kind (``cell type``), synonyms, classes and whether it is one."""

    kind: str
    synonyms: list[str]
    is_class: bool
    parents: list[EntityRef]


class Qualifier(TypedDict):
    """One qualifier of a row, in words: its column, the column's title and the words of its values
    (a condition's name, a species context's label, an anatomical term's label, a phase)."""

    column: str
    title: str
    values: list[str]


class Assertion(TypedDict):
    """One row, as seen from the entity asked about."""

    row_id: str
    table: str
    role: str  # the entity's role: subject, object, context (its disease context) or example
    relation: str
    statement: str  # the row in words: its relation's phrase (negated when it refutes) with both ends' names
    subject: EntityRef
    object: EntityRef
    qualifiers: list[Qualifier]  # each qualifier column the row fills, in schema order
    subject_examples: list[EntityRef]
    object_examples: list[EntityRef]
    evidence_level_id: str
    evidence_level: str
    evidence_rank: int
    direction: str
    modal_verb: str  # the modal verb the quote states the relation with (can, could, may, might), or ""
    source_id: str
    source_title: str
    source_type: str
    cited_refs: list[str]
    quote: str
    subject_mention: str
    object_mention: str
    antecedent: dict[str, str]
    note: str


class Group(TypedDict):
    """Assertions of one relation in which the entity has one role."""

    relation: str
    description: str  # the relation between the entity and the group's other ends, as a sentence
    profile: EvidenceProfile
    summary: list[Sentence]  # the group in words, strongest evidence first (painimmune.summaries)
    assertions: list[Assertion]


class Section(TypedDict):
    """One part of the answer: what it is (``kind``: direct, context, example or class), a heading
    that says so, the class it is about (for ``class``), its profile and its groups."""

    kind: str
    heading: str
    about: EntityRef
    profile: EvidenceProfile | None
    profile_words: str  # the profile in one line (painimmune.summaries.profile_line), or that no row says anything
    groups: list[Group]


class About(TypedDict):
    """The result of :func:`about`."""

    entity: Entity
    profile: EvidenceProfile | None  # of the entity's own assertions
    sections: list[Section]


def find_entity(query: str, path: str | Path | DataPackage | None = None) -> Entity:
    """The entity that *query* names.

    Raises:
        UnknownEntityError: nothing matches (with the closest names), or several entities do.
    """
    package = path if isinstance(path, DataPackage) else DataPackage(path)
    return Names.of(package).find(query)


@dataclass(frozen=True)
class Names:
    """Every entity of a package by its folded names, synonyms and accepted mentions."""

    entities: dict[tuple[str, str], Entity]
    keys: dict[str, set[tuple[str, str]]]
    kinds: list[str]

    @classmethod
    def of(cls, package: DataPackage) -> Names:
        """The names of *package*'s entities (its entity tables loaded and verified)."""
        entities: dict[tuple[str, str], Entity] = {}
        keys: dict[str, set[tuple[str, str]]] = {}
        names: dict[tuple[str, str], str] = {}
        frames = {table: load(table, package.root) for table in package.entity_tables}
        for table, frame in frames.items():
            names.update({(table, row.id): row.name for row in frame.itertuples(index=False)})
        for table, frame in frames.items():
            kind = entity_labels(package.schema(table)).singular
            for row in frame.to_dict("records"):
                parents = [EntityRef(table=table, id=parent, name=names.get((table, parent), parent)) for parent in row.get("parents", [])]
                entities[(table, row["id"])] = Entity(table=table, id=row["id"], name=row["name"], kind=kind, synonyms=list(row["synonyms"]),
                                                      is_class=_flag(row.get("is_class")), parents=parents)
                for label in (row["id"], row["name"], *row["synonyms"], *row["mentions"]):
                    keys.setdefault(fold(label), set()).add((table, row["id"]))
        return cls(entities, keys, [entity_labels(package.schema(table)).singular for table in package.entity_tables])

    def find(self, query: str) -> Entity:
        """The entity *query* names (see :func:`find_entity`)."""
        key = fold(query) if isinstance(query, str) else ""
        found = self.keys.get(key, set())
        if len(found) == 1:
            return self.entities[next(iter(found))]
        if found:
            listed = ", ".join(f"{self.entities[e]['name']} ({e[0]}: {e[1]})" for e in sorted(found))
            raise UnknownEntityError(f"{query!r} names several entities: {listed}; ask for one by its id")
        close = difflib.get_close_matches(key, list(self.keys), n=5, cutoff=0.6)
        suggestions = sorted({self.entities[e]["name"] for k in close for e in self.keys[k]})
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise UnknownEntityError(f"no {', '.join(self.kinds[:-1])} or {self.kinds[-1]} is called {query!r}{hint}")


@dataclass(frozen=True)
class Knowledge:
    """What describing an entity needs, loaded once: every assertion row, every entity's name, the
    evidence levels, the sources, and how each qualifier column is put in words (its title, and the
    words of each value: the name or label of the row a foreign key points to, the label of a
    verified term)."""

    rows: pd.DataFrame
    names: Names
    levels: pd.DataFrame
    sources: pd.DataFrame
    qualifiers: dict[str, tuple[str, dict[str, str]]]  # column -> (title, value -> words)
    relations: pd.DataFrame  # the relations table, indexed by id (phrase templates)

    @classmethod
    def of(cls, package: DataPackage) -> Knowledge:
        """The knowledge of *package* (its tables loaded and verified).

        Raises:
            DataError: the package lacks a column this painimmune reads (another release's package).
        """
        require_fields(package, "describing an entity")
        names = Names.of(package)
        return cls(assertion_rows(package), names, load("evidence_levels", package.root).set_index("id"),
                   load("sources", package.root).set_index("id"), _qualifier_words(package, names),
                   load("relations", package.root).set_index("id"))

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """Every assertion row as a dictionary, in the order of :attr:`rows` (read once)."""
        records: list[dict[str, Any]] = self.rows.to_dict("records")
        return records

    @cached_property
    def lookups(self) -> dict[str, dict[str, Any]]:
        """Plain dictionaries of what describing looks up per row: each source's ``source_type`` and
        ``title``, each level's ``rank`` and ``label`` (a pandas lookup per row is slow)."""
        return {"source_type": self.sources["type"].to_dict(), "title": self.sources["title"].to_dict(),
                "rank": self.levels["rank"].to_dict(), "label": self.levels["label"].to_dict()}

    @cached_property
    def index(self) -> dict[tuple[str, tuple[str, str]], list[int]]:
        """The positions of the rows in which each entity has each role (subject, object, context, example)."""
        found: dict[tuple[str, tuple[str, str]], list[int]] = {}
        for position, row in enumerate(self.rows.itertuples(index=False)):
            found.setdefault(("subject", (row.subject_type, row.subject_id)), []).append(position)
            found.setdefault(("object", (row.object_type, row.object_id)), []).append(position)
            if isinstance(row.disease_context_qualifier, str):
                found.setdefault(("context", ("conditions", row.disease_context_qualifier)), []).append(position)
            for role, table in (("subject", row.subject_type), ("object", row.object_type)):
                for example in getattr(row, f"{role}_examples"):
                    found.setdefault(("example", (table, example)), []).append(position)
        return found

    def ancestors(self, entity: Entity) -> list[Entity]:
        """The classes of *entity*, nearest first (each once)."""
        seen: list[Entity] = []
        frontier = list(entity["parents"])
        while frontier:
            parent = frontier.pop(0)
            found = self.names.entities.get((parent["table"], parent["id"]))
            if found is not None and found not in seen:
                seen.append(found)
                frontier += found["parents"]
        return seen


def _flag(value: object) -> bool:
    """A boolean cell as a bool (a missing cell is false)."""
    return bool(value) if value is not None and not pd.isna(value) else False


def _qualifier_words(package: DataPackage, names: Names) -> dict[str, tuple[str, dict[str, str]]]:
    """The title of each qualifier column and the words of its values (see :class:`Knowledge`)."""
    if not package.relationship_tables:
        return {}
    schema = package.schema(package.relationship_tables[0])
    fields = {field["name"]: field for field in schema["fields"]}
    targets = {column: resource for column, resource, _ in foreign_keys(schema)}
    found = {}
    for column in qualifier_names(package):
        field, words = fields[column], {}
        target = targets.get(column)
        if target in package.entity_tables:
            words = {entity: found_entity["name"] for (table, entity), found_entity in names.entities.items() if table == target}
        elif target is not None:
            frame = load(target, package.root)
            label = next((name for name in ("label", "name") if name in frame), "id")
            words = dict(zip(frame["id"], frame[label], strict=True))
        elif "referenceTable" in field:
            words = {curie: term.label for curie, term in (read_terms(installed_root(), field["referenceTable"]) or {}).items()}
        found[column] = (str(field.get("title", column)), words)
    return found


def about(entity: str, path: str | Path | None = None) -> About:
    """Everything the sources say about *entity*: its own assertions, the rows in its context, the
    rows that name it as an example, and the assertions about its classes (see the module docstring).

    Raises:
        UnknownEntityError: see :func:`find_entity`.
    """
    package = DataPackage(path)
    knowledge = Knowledge.of(package)
    return describe(knowledge.names.find(entity), knowledge)


def describe(found: Entity, knowledge: Knowledge) -> About:
    """The result of :func:`about` for the entity *found*. A row shows once, in the first part that
    holds it (a row that names IL-6 as an example of pro-inflammatory cytokines is not shown again
    among the statements about that class)."""
    key = (found["table"], found["id"])
    ref = EntityRef(table=found["table"], id=found["id"], name=found["name"])
    shown: set[int] = set()

    def rows(*roles: tuple[str, str, tuple[str, str]]) -> list[tuple[str, int]]:
        picked = [(label, position) for label, role, entity in roles for position in knowledge.index.get((role, entity), [])
                  if position not in shown]
        shown.update(position for _, position in picked)
        return picked

    sections = [_section("direct", f"What the sources say about {found['name']}", ref,
                         rows(("subject", "subject", key), ("object", "object", key)), knowledge)]
    context = rows(("context", "context", key))
    if context:
        sections.append(_section("context", f"Relations the sources place in {found['name']} (its disease context)", ref, context,
                                 knowledge))
    examples = rows(("example", "example", key))
    if examples:
        sections.append(_section("example", f"Rows that name {found['name']} as an example of a class: statements about the "
                                            "class, not about it directly", ref, examples, knowledge))
    for parent in knowledge.ancestors(found):
        parent_key = (parent["table"], parent["id"])
        members = rows(("subject", "subject", parent_key), ("object", "object", parent_key))
        if members:
            sections.append(_section("class", f"About {parent['name']}, a class {found['name']} belongs to: statements about the "
                                              "class", EntityRef(table=parent["table"], id=parent["id"], name=parent["name"]), members,
                                     knowledge))
    return About(entity=found, profile=sections[0]["profile"], sections=sections)


def _section(kind: str, heading: str, ref: EntityRef, rows: list[tuple[str, int]], knowledge: Knowledge) -> Section:
    items = [_assertion(role, knowledge.records[position], knowledge) for role, position in rows]
    _refuse_dangling(items, knowledge)
    groups: dict[tuple[str, bool, str], list[Assertion]] = {}
    for item in items:
        groups.setdefault((item["relation"], _is_subject(item, ref), item["direction"]), []).append(item)
    ordered = []
    for (relation, _, _), members in groups.items():
        members.sort(key=lambda item: (item["evidence_rank"], _other(item, ref)["name"].casefold(), item["row_id"]))
        profile = _profile(members, knowledge)
        assert profile is not None  # (a group holds at least one row)
        words = [summary_row(item, knowledge) for item in members]
        ordered.append(Group(relation=relation, description=relation_said(words), profile=profile,
                             summary=summary(words, knowledge.levels), assertions=members))
    ordered.sort(key=lambda group: (group["assertions"][0]["evidence_rank"], group["description"]))
    profile = _profile(items, knowledge)
    return Section(kind=kind, heading=heading, about=ref, profile=profile, groups=ordered,
                   profile_words=profile_line(profile, knowledge.levels) if profile else "No source in this release states a relation here.")


def _profile(items: list[Assertion], knowledge: Knowledge) -> EvidenceProfile | None:
    return profile_of(((item["source_id"], item["evidence_level_id"], item["direction"]) for item in items),
                      knowledge.lookups["source_type"], knowledge.lookups["rank"], knowledge.lookups["label"])


def _ref(knowledge: Knowledge, table: str, entity: str) -> EntityRef:
    found = knowledge.names.entities.get((table, entity))
    return EntityRef(table=table, id=entity, name=found["name"] if found else entity)


def _other(item: Assertion, ref: EntityRef) -> EntityRef:
    return item["object"] if item["subject"]["id"] == ref["id"] and item["subject"]["table"] == ref["table"] else item["subject"]


def _is_subject(item: Assertion, ref: EntityRef) -> bool:
    """Whether the entity *ref* is the subject of *item* (else its object, context or an example)."""
    return (item["subject"]["table"], item["subject"]["id"]) == (ref["table"], ref["id"])


def phrases(relation: str, modality: str, knowledge: Knowledge) -> tuple[str, str]:
    """The phrase and negated phrase of *relation* (plain words for a relation the table lacks),
    said with a row's *modality* (:func:`~painimmune.language.phrases.with_modality`)."""
    if relation in knowledge.relations.index:
        found = str(knowledge.relations.at[relation, "phrase"]), str(knowledge.relations.at[relation, "negated_phrase"])
    else:
        found = f"{{subject}} {relation} {{object}}", f"it is not the case that {{subject}} {relation} {{object}}"
    return with_modality(found[0], modality), with_modality(found[1], modality)


def said(ref: EntityRef, knowledge: Knowledge) -> str:
    """How a sentence names the entity *ref*: its name, or, for a cell type named in the singular with
    its plural among its synonyms (``mast cell``, ``mast cells``), the plural, as English states a
    general fact about a kind of cell (``mast cells store inflammatory mediators``)."""
    found = knowledge.names.entities.get((ref["table"], ref["id"]))
    name = ref["name"]
    plural = f"{name}s"
    if found is not None and ref["table"] == "cell_types" and not is_plural(name) and plural in found["synonyms"]:
        return plural
    return name


def _statement(item: Assertion, knowledge: Knowledge) -> str:
    phrase, negated = phrases(item["relation"], item["modal_verb"], knowledge)
    return statement(phrase if item["direction"] != "refutes" else negated, said(item["subject"], knowledge), said(item["object"], knowledge))


def summary_row(item: Assertion, knowledge: Knowledge) -> SummaryRow:
    """What a summary needs of the row *item* (:mod:`painimmune.summaries`)."""
    phrase, negated = phrases(item["relation"], item["modal_verb"], knowledge)
    return SummaryRow(row_id=item["row_id"], phrase=phrase, negated_phrase=negated, modal_verb=item["modal_verb"],
                      subject=said(item["subject"], knowledge), object=said(item["object"], knowledge), direction=item["direction"],
                      evidence_level_id=item["evidence_level_id"], evidence_rank=item["evidence_rank"], source_id=item["source_id"],
                      source_type=item["source_type"])


def _assertion(role: str, row: dict[str, Any], knowledge: Knowledge) -> Assertion:
    lookups = knowledge.lookups
    level, source = row["evidence_level_id"], row["source_id"]
    qualifiers = []
    for column, (title, words) in knowledge.qualifiers.items():
        value = row[column]
        values = [str(item) for item in value] if isinstance(value, list) else ([] if pd.isna(value) else [str(value)])
        if values:
            qualifiers.append(Qualifier(column=column, title=title, values=[words.get(item, item) for item in values]))
    assertion = Assertion(
        row_id=row["row_id"], table=row["table"], role=role, relation=row["relation"], statement="",
        subject=_ref(knowledge, row["subject_type"], row["subject_id"]), object=_ref(knowledge, row["object_type"], row["object_id"]),
        qualifiers=qualifiers,
        subject_examples=[_ref(knowledge, row["subject_type"], example) for example in row["subject_examples"]],
        object_examples=[_ref(knowledge, row["object_type"], example) for example in row["object_examples"]],
        evidence_level_id=str(level), evidence_level=str(lookups["label"].get(level, level)),
        evidence_rank=int(lookups["rank"].get(level, 99)), direction=str(row["direction"]),
        modal_verb="" if pd.isna(row["modal_verb"]) else str(row["modal_verb"]), source_id=str(source),
        source_title=str(lookups["title"][source]) if source in lookups["title"] else "",
        source_type=str(lookups["source_type"].get(source, "")),
        cited_refs=list(row["cited_refs"]), quote=str(row["quote"]), subject_mention=str(row["subject_mention"]),
        object_mention=str(row["object_mention"]), antecedent=_antecedent(row), note="" if pd.isna(row["note"]) else str(row["note"]))
    assertion["statement"] = _statement(assertion, knowledge)
    return assertion


def _antecedent(row: dict[str, Any]) -> dict[str, str]:
    """The mentions of *row* that lie outside its quote (an antecedent earlier in the paragraph,
    given by ``*_mention_start``), by role."""
    return {role: str(row[f"{role}_mention"]) for role in ("subject", "object")
            if not pd.isna(row[f"{role}_mention_start"]) and row[f"{role}_mention_start"] < row["quote_start"]}


def _refuse_dangling(items: list[Assertion], knowledge: Knowledge) -> None:
    """Raise :class:`DataError` when a row refers to an entity, level or source that does not exist
    (a package that does not validate), rather than show it half-named."""
    for item in items:
        missing = [f"{end['table']} {end['id']!r}" for end in (item["subject"], item["object"])
                   if (end["table"], end["id"]) not in knowledge.names.entities]
        missing += [f"evidence level {item['evidence_level_id']!r}"] if item["evidence_level_id"] not in knowledge.levels.index else []
        missing += [f"source {item['source_id']!r}"] if item["source_id"] not in knowledge.sources.index else []
        if missing:
            raise DataError(f"{item['table']}: row {item['row_id']} refers to {', '.join(missing)}, which does not exist; "
                            "`painimmune validate` names every such problem")


def context_words(qualifiers: list[Qualifier]) -> str:
    """A row's qualifiers in words: ``Disease context: complex regional pain syndrome; Species
    context: humans`` (each column the row fills, in schema order)."""
    return "; ".join(f"{qualifier['title']}: {', '.join(qualifier['values'])}" for qualifier in qualifiers)


def render(result: About, format: str = "text") -> str:  # noqa: A002 (the user-facing word)
    """*result* of :func:`about` as ``text``, ``markdown`` or ``json``, every value from the data
    escaped for its format (:mod:`painimmune.escape`): a name cannot become a Markdown link or HTML,
    nor move a terminal's cursor."""
    if format not in FORMATS:
        raise UnknownChoiceError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if format == "json":
        return escape.json_text(result) + "\n"
    markdown = format == "markdown"
    text = escape.markdown if markdown else escape.terminal
    entity = result["entity"]
    lines = [f"# {text(entity['name'])}" if markdown else text(entity["name"]), "",
             f"{text(entity['kind'])} {text(entity['id'])}",
             f"synonyms: {text(', '.join(entity['synonyms'])) or '(none)'}"]
    if entity["parents"]:
        lines.append(f"belongs to: {text(', '.join(parent['name'] for parent in entity['parents']))}")
    for section in result["sections"]:
        if section["kind"] != "direct":
            lines += ["", f"## {text(section['heading'])}" if markdown else f"=== {text(section['heading'])}"]
        lines.append(text(section["profile_words"]))
        for group in section["groups"]:
            lines += ["", f"### {text(group['description'])}" if markdown else f"{text(group['description'])}:"]
            lines += [text(f"{sentence['text']} ({'rows' if len(sentence['rows']) > 1 else 'row'} {', '.join(sentence['rows'])})")
                      for sentence in group["summary"]]
            lines += _items(group["assertions"], markdown, text)
    return "\n".join(lines) + "\n"


def _items(items: list[Assertion], markdown: bool, text: Callable[[str], str]) -> list[str]:
    lines = []
    for item in items:
        where = context_words(item["qualifiers"])
        where = f" [{where}]" if where else ""
        examples = [f"e.g. {', '.join(e['name'] for e in item[f'{role}_examples'])} as examples of the {role}"  # type: ignore[literal-required]
                    for role in ("subject", "object") if item[f"{role}_examples"]]  # type: ignore[literal-required]
        named = f" ({'; '.join(examples)})" if examples else ""
        verdict = "" if item["direction"] == "supports" else " (REFUTES)"
        statement = text(item["statement"])
        about = text(f"{where}{named} — row {item['row_id']}")
        fields = text(f"evidence: {item['evidence_level']}{verdict} · source: {item['source_id']}, {item['source_type']}")
        if markdown:
            lines.append(f"- **{statement}**{about}  \n  {fields}  \n  > {text(item['quote'])}")
        else:
            lines += [f"  - {statement}{about}", f"      {fields}", f"      \"{text(item['quote'])}\""]
    return lines
