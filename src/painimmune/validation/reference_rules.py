"""Layer 3: identifiers checked against the verified reference tables (:mod:`painimmune.package.reference`).

- every CURIE in a column that declares a ``referenceTable`` is a term of that table (or, where the
  column names the folder ``reference/ontologies``, of one of its tables);
- the official label (or an exact synonym) of each exact-match CURIE of an entity is the entity's
  name, a synonym or an accepted mention, compared as bags of folded words (so the inverted MeSH
  heading ``Arthritis, Rheumatoid`` names rheumatoid arthritis); a term verified without a label
  (UniProt) must name another identifier of the same row in its note. Two identifiers swapped
  between rows therefore fail;
- each evidence level's ECO term carries its official label, and each relation's RO term its;
- the reference tables the package was built against (their hashes in ``fileHashes``) are those of
  the installed painimmune (``reference-differs``).

Every check reads the reference tables of the installed painimmune
(:func:`painimmune.package.reference.installed_root`), never those of the package under validation,
which cannot vouch for its own identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from painimmune.errors import PainimmuneError
from painimmune.language.folding import fold
from painimmune.package.descriptor import DataPackage
from painimmune.package.files import read_bytes
from painimmune.package.integrity import mismatch
from painimmune.package.reference import REFERENCE_FOLDER, Term, installed_root, read_terms
from painimmune.package.schemas import EXACT_MATCH, mapping_columns, primary_key, reference_columns, related_columns
from painimmune.validation.problems import Problem, declare
from painimmune.validation.rows import rows

_rule = declare("package", __name__)
ECO_LABEL = _rule("eco-label", "ECO terms carry their official label",
                  "Each evidence level's eco_id is in reference/ontologies/eco.tsv and its eco_label is that term's label.")
RO_LABEL = _rule("ro-label", "RO relations carry their official label",
                 "Each relation's ro_id is in reference/ontologies/ro.tsv and its ro_label is that term's label; a relation without ro_id "
                 "has no ro_label or ro_mapping, and says in its note why no RO relation fits.")
XREF_UNVERIFIED = _rule("xref-unverified", "Cross-references are verified identifiers",
                        "Every CURIE in a column with a referenceTable is in that verified table of reference/ontologies (or, for close "
                        "and broad matches, in one of them).")
XREF_LABEL = _rule("xref-label", "Exact cross-references name the entity",
                   "The official label of each exact-match CURIE, and of a protein's gene (a column declaring a biolinkPredicate: "
                   "HGNC's symbol), or one of its exact synonyms, is the entity's name, a synonym or an "
                   "accepted mention, compared as bags of folded words; a term verified without a label (UniProt) names another identifier"
                   " of the row in its note. Two identifiers swapped between rows fail.")
REFERENCE_TABLE = _rule("reference-table", "Identifiers are checked against the installed tables",
                        "Each referenceTable names a reference table (or the folder) the installed painimmune ships, and a column that "
                        "the installed Table Schema of its table checks against a reference table names the same one: a package cannot "
                        "take a column of identifiers out of the check, nor point it elsewhere. Such a column is checked against the "
                        "installed choice whatever the package says.")
REFERENCE_DIFFERS = _rule("reference-differs", "Built against the installed reference data",
                          "Each reference table whose hash the package records (fileHashes) is, byte for byte, the one the installed "
                          "painimmune ships: identifiers, labels and the hierarchy are checked against the installed tables, never against "
                          "those of the package under validation.")
ECO = "reference/ontologies/eco.tsv"
RO = "reference/ontologies/ro.tsv"


def check(package: DataPackage, texts: dict[str, pd.DataFrame]) -> list[Problem]:
    """Problems with the identifiers of every table read (*texts*: frames of raw strings)."""
    problems: list[Problem] = []
    tables: dict[str, dict[str, Term] | None] = {}

    def terms_of(reference: str) -> dict[str, Term] | None:
        if reference not in tables:
            tables[reference] = read_terms(installed_root(), reference)
        return tables[reference]

    trusted = _installed_reference_columns(package)
    for name, frame in texts.items():
        table_schema = package.schema(name)
        key = primary_key(table_schema)
        predicates = mapping_columns(table_schema)
        products = related_columns(table_schema)  # (a protein's gene: HGNC's symbol is one of its names)
        lists = {field["name"]: field.get("delimiter", ",") for field in table_schema["fields"] if field.get("type") == "list"}
        declared = reference_columns(table_schema)
        for column, reference in trusted.get(name, {}).items():
            if column in frame and declared.get(column) != reference:
                problems.append(REFERENCE_TABLE.problem(f"the installed painimmune checks this column against {reference}; the package's "
                                                        f"Table Schema names {declared.get(column) or 'no reference table'}", name,
                                                        column=column, value=declared.get(column)))
        columns = {**declared, **{column: reference for column, reference in trusted.get(name, {}).items() if column in frame}}
        for column, reference in columns.items():
            terms = terms_of(reference)
            if terms is None:
                problems.append(REFERENCE_TABLE.problem(f"{reference} is not a reference table the installed painimmune ships; an "
                                                        "identifier is checked against the installed tables only", name, column=column,
                                                        value=reference))
                continue
            problems += _unverified(name, frame, key, column, reference, terms, lists.get(column))
            if package.role(name) == "entity" and (predicates.get(column, EXACT_MATCH) == EXACT_MATCH or column in products):
                problems += _labels(name, frame, column, terms, list(reference_columns(table_schema)))
    if "evidence_levels" in texts:
        eco = terms_of(ECO)
        if eco is not None:
            problems += _eco_labels(texts["evidence_levels"], eco)
    if "relations" in texts:
        ro = terms_of(RO)
        if ro is not None:
            problems += _ro_labels(texts["relations"], ro)
    return problems


def _installed_reference_columns(package: DataPackage) -> dict[str, dict[str, str]]:
    """For each table of *package* that the installed painimmune also has, the columns its installed
    Table Schema checks against a reference table (the trusted choice)."""
    try:
        installed = DataPackage(installed_root())
    except PainimmuneError:
        return {}
    return {name: reference_columns(installed.schema(name)) for name in package.table_names if name in installed.table_names}


def _unverified(table: str, frame: pd.DataFrame, key: list[str], column: str, reference: str, terms: dict[str, Term],
                delimiter: str | None) -> Iterator[Problem]:
    for index, value in frame[column].items():
        if pd.isna(value):
            continue
        items = value.split(delimiter) if delimiter else [value]
        for item in items:
            if item and item not in terms:
                row = ", ".join(str(frame.at[index, k]) for k in key)
                yield XREF_UNVERIFIED.problem(f"not an identifier of the verified table(s) {reference}; never type "
                              "an identifier from memory", table, row, column, item)


def words(text: str) -> tuple[str, ...]:
    """*text* as a sorted bag of folded words, so that word order does not matter."""
    return tuple(sorted(fold(word) for word in text.replace(",", " ").split() if fold(word)))


def _labels(table: str, frame: pd.DataFrame, column: str, terms: dict[str, Term], columns: list[str]) -> Iterator[Problem]:
    others_of = [other for other in columns if other != column]
    for entity, curie, name, synonyms, mentions, *others in rows(frame, ["id", column, "name", "synonyms", "mentions", *others_of]):
        term = terms.get(curie) if isinstance(curie, str) else None
        if term is None:
            continue  # empty, or reported as unverified
        if not term.label:
            named = [other for other in others if isinstance(other, str)]
            if not any(re.search(rf"(?<![\w:]){re.escape(other)}(?![\w:])", term.note) for other in named):  # HGNC:1 is not HGNC:11892
                yield XREF_LABEL.problem(f"{curie} has no verified label, and its note names no other identifier of "
                              "this row", table, entity, column, curie)
            continue
        names = [name, *_items(synonyms), *_items(mentions)]
        bags = {words(text) for text in names if isinstance(text, str)}
        labels = [term.label, *term.exact_synonyms]
        if not any(words(label) in bags for label in labels):
            yield XREF_LABEL.problem(f"the official label of {curie} is {term.label!r}, which is not the name, a "
                          f"synonym or an accepted mention of {table}.{entity}", table, entity, column, curie)


def _items(value: object) -> list[str]:
    if isinstance(value, list):
        return value
    return value.split("|") if isinstance(value, str) else []


def _eco_labels(levels: pd.DataFrame, eco: dict[str, Term]) -> Iterator[Problem]:
    for level, curie, label in zip(levels["id"], levels["eco_id"], levels["eco_label"], strict=True):
        term = eco.get(curie)
        if term is not None and term.label != label:
            yield ECO_LABEL.problem(f"the official label of {curie} is {term.label!r}", "evidence_levels", level,
                          "eco_label", label)


def _ro_labels(relations: pd.DataFrame, ro: dict[str, Term]) -> Iterator[Problem]:
    for relation, curie, label, mapping, note in zip(relations["id"], relations["ro_id"], relations["ro_label"],
                                                     relations["ro_mapping"], relations["note"], strict=True):
        if pd.isna(curie):
            if pd.notna(label) or pd.notna(mapping):
                yield RO_LABEL.problem("ro_label and ro_mapping stay empty without ro_id", "relations", relation,
                              "ro_label" if pd.notna(label) else "ro_mapping", label if pd.notna(label) else mapping)
            elif pd.isna(note):
                yield RO_LABEL.problem("a relation without an RO relation says why in its note", "relations",
                              relation, "note")
            continue
        term = ro.get(curie)
        if term is not None and term.label != label:
            yield RO_LABEL.problem(f"the official label of {curie} is {term.label!r}", "relations", relation,
                          "ro_label", label)
        if pd.isna(mapping):
            yield RO_LABEL.problem(f"{curie} needs its ro_mapping (how the relation relates to it)", "relations",
                          relation, "ro_mapping")


def reference_drift(package: DataPackage, notes: list[str]) -> list[Problem]:
    """The reference tables the package was built against (their hashes in ``fileHashes``) that
    differ from, or are missing among, those of the installed painimmune."""
    recorded = {relative: digest for relative, digest in package.descriptor.get("fileHashes", {}).items()
                if relative.startswith(REFERENCE_FOLDER + "/")}
    if not recorded:
        notes.append("the package records no hash of the reference tables it was built against; its identifiers were checked "
                     "against those of the installed painimmune")
        return []
    installed = installed_root()
    if installed.resolve() == package.root.resolve():
        return []  # the installed painimmune's own checkout: a reference table edited there is file-hash's (the build refreshes it)
    problems = []
    for relative, digest in sorted(recorded.items()):
        path = installed / relative
        if not path.is_file():
            problems.append(REFERENCE_DIFFERS.problem(f"the package was built against {relative}, which the installed painimmune "
                                                      "does not ship", column="fileHashes", value=relative))
            continue
        fault = mismatch(digest, read_bytes(path, "text", relative))
        if fault:
            problems.append(REFERENCE_DIFFERS.problem(f"the package was built against another {relative} than the installed "
                                                      f"painimmune ships ({fault}); its identifiers were checked against the "
                                                      "installed one", column="fileHashes", value=relative))
    return problems
