"""The catalogue of validation rules: every rule validation can report, in one place.

Each rule has an id (what a :class:`~painimmune.validation.problems.Problem` names), the layer that
checks it, a title and a description, and whether ``scripts/build.py`` repairs it (the build fixes
only what it derives: row order, and the hash, bytes and rows it records). ``docs/rules.md`` is
generated from this list, ``painimmune validate --rule ID`` and ``--skip-rule ID`` choose among
these ids, and a problem naming a rule outside the catalogue cannot be made.

>>> from painimmune.validation.rules import RULES, repaired_by_build
>>> sorted(repaired_by_build())[:3]
['byte-count', 'citation-stale', 'file-hash']
>>> RULES["quote-not-found"].layer
'package'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

LAYERS = {
    "frictionless": "Layer 1: the descriptor and Table Schemas (Frictionless profiles and the package's own "
                    "properties), the files the package declares, and the integrity it records.",
    "pandera": "Layer 2: every row-level check, generated from the Table Schemas and run vectorised with pandas and pandera.",
    "package": "Layer 3: rules about the package as a whole: quotes, sources, cross-references, the rubric, "
               "usage, versions and normal form.",
}


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue."""

    id: str
    title: str
    description: str
    layer: str
    repaired_by_build: bool = False


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


_metadata = partial(Rule, layer="frictionless")
_rows = partial(Rule, layer="pandera")
_package = partial(Rule, layer="package")

RULES: dict[str, Rule] = _rules(
    # ---- layer 1 ------------------------------------------------------------------------------
    _metadata("unreadable-package", "The package can be read",
              "datapackage.json and every Table Schema it points to exist, are UTF-8 JSON objects and lie inside the package."),
    _metadata("descriptor-invalid", "The descriptor is a valid Data Package",
              "datapackage.json passes Frictionless's Data Package v2 profile."),
    _metadata("table-schema-invalid", "Each Table Schema is valid",
              "Every Table Schema passes Frictionless's Table Schema v2 profile."),
    _metadata("schema-extension-invalid", "The package's own schema properties are well-formed",
              "The properties painimmune adds to Table Schemas (entityLabels, biolinkCategory, assertion, exactlyOneOf, a "
              "field's referenceTable) pass their JSON Schema (painimmune/validation/extensions.schema.json): no unknown key, "
              "every column they name exists, every value of a category column has its Biolink category. Checked "
              "whatever rules are chosen, since every other check relies on these properties."),
    _metadata("biolink-unknown", "Biolink categories exist",
              "Every biolinkCategory value is a class of the Biolink Model listed in reference/ontologies/biolink_categories.tsv "
              "(the relations' Biolink predicates are references, checked by xref-unverified against biolink.tsv)."),
    _metadata("shared-field-drift", "Shared fields match their one definition",
              "Each Table Schema holds the shared fields of its role (schemas/shared/fields.json) exactly as defined there.",
              repaired_by_build=True),
    _metadata("required-table", "The lookup tables are there",
              "The package declares the lookup tables the package rules read: sources, evidence_levels and directions."),
    _metadata("undeclared-file", "Every table and schema file is declared",
              "Each CSV file in tables/ and each JSON file in schemas/ is the path or schema of a resource."),
    _metadata("file-hash", "Schemas and the citation are as built",
              "datapackage.json's fileHashes records the hash of each Table Schema, of schemas/shared/fields.json and of "
              "CITATION.cff, and each file matches it, so none can change under a verified load.", repaired_by_build=True),
    _metadata("hash-missing", "Every resource records its hash",
              "Each resource in datapackage.json records a sha256 hash, so that loading can verify it.", repaired_by_build=True),
    _metadata("hash-count", "The recorded hash is the file's",
              "The sha256 recorded for a table in datapackage.json is the sha256 of its file.", repaired_by_build=True),
    _metadata("byte-count", "The recorded size is the file's",
              "The bytes recorded for a table in datapackage.json are the size of its file.", repaired_by_build=True),
    _metadata("row-count", "The recorded row count is the file's",
              "The rows recorded for a table in datapackage.json are the number of data rows of its file.", repaired_by_build=True),
    # ---- layer 2 ------------------------------------------------------------------------------
    _rows("unreadable", "The table can be read", "The table's file exists and is well-formed CSV."),
    _rows("bom", "No byte-order mark", "The file does not start with a UTF-8 byte-order mark."),
    _rows("crlf", "LF line ends", "Lines end in LF, not CRLF."),
    _rows("utf-8", "UTF-8 text", "Every cell is valid UTF-8 (a file saved as Latin-1 or Windows-1252 is not)."),
    _rows("header", "The header is the schema's", "The header row names the schema's columns, in order, once each."),
    _rows("cell-count", "Every row is complete", "Each row has as many cells as the header (no truncated row, no extra delimiter)."),
    _rows("required", "Required cells are filled", "A column the schema marks required (or a primary-key column) has no empty cell."),
    _rows("unique", "Unique columns are unique", "A column the schema marks unique repeats no value."),
    _rows("type", "Values have their column's type",
          "Integers are written -?(0|[1-9][0-9]*) and booleans true or false: the one text form each has."),
    _rows("enum", "Values are among the allowed ones", "A value of a column with an enum (or an item of such a list) is one of them."),
    _rows("pattern", "Values match the column's pattern", "A value (or list item) matches the column's regular expression."),
    _rows("minLength", "Values are long enough", "A value is at least the column's minLength characters long."),
    _rows("maxLength", "Values are short enough",
          "A value is at most the column's maxLength characters long (quotes: the shortest span that supports the row)."),
    _rows("minimum", "Values are at least the minimum", "A number is not below the column's minimum."),
    _rows("maximum", "Values are at most the maximum", "A number is not above the column's maximum."),
    _rows("whitespace", "No stray whitespace", "No leading, trailing or doubled space and no line break inside a value."),
    _rows("spreadsheet-formula", "No formula reaches a spreadsheet",
          "No text value or list item begins with =, +, -, @, a tab or a carriage return (numbers in numeric columns may "
          "be negative)."),
    _rows("control-character", "No control characters",
          "No text holds a C0 or C1 control character or a bidirectional mark, embedding, override or isolate."),
    _rows("mojibake", "No garbled characters", "No UTF-8 text garbled by a Latin-1/Windows-1252 round trip ('TNF-Î±')."),
    _rows("unicode-nfc", "Unicode normal form NFC", "Text is in Unicode normal form NFC."),
    _rows("unique-key", "No repeated assertion", "The columns of each uniqueKeys entry together do not repeat another row's values."),
    _rows("exactly-one-of", "Exactly one target", "Exactly one column of each exactlyOneOf group is set (e.g. a target mediator or cell type)."),
    _rows("synonyms-distinct-from-name", "Synonyms differ from the name",
          "No synonym repeats the name or another synonym, ignoring case."),
    _rows("extra-column", "No column outside the schema", "The frame has no column the schema does not define."),
    _rows("missing-column", "No schema column missing", "Every column of the schema is present."),
    _rows("column-order", "Columns in schema order", "Columns appear in the order of the schema."),
    _rows("foreign-key", "Foreign keys resolve", "Each foreign-key value is the key of a row of the referenced table."),
    _rows("pandera-check", "Other row checks", "A pandera check without a rule of its own failed; the message names it."),
    # ---- layer 3 ------------------------------------------------------------------------------
    _package("not-normalised", "Tables are in normal form",
             "Each table is as scripts/build.py writes it: canonical CSV, rows sorted by primary key.", repaired_by_build=True),
    _package("version-mismatch", "One version",
             "The top entry of CHANGELOG.md names the version of datapackage.json."),
    _package("release-date-mismatch", "One release date",
             "The top entry of CHANGELOG.md names the release date ('created') of datapackage.json."),
    _package("citation-stale", "The citation names this release",
             "CITATION.cff (generated by the build) names the version and release date of datapackage.json.",
             repaired_by_build=True),
    _package("file-unreadable", "Files of the package can be read",
             "A source text, CITATION.cff, CHANGELOG.md or reference table lies inside the package, is a regular file "
             "within its size limit and is UTF-8."),
    _package("source-text-missing", "Each document has its text", "A source document (not a cited reference) has sources/<id>.txt."),
    _package("source-text-changed", "Source texts are unedited",
             "The sha256 of sources/<id>.txt is the one recorded in the sources table."),
    _package("source-kind", "Documents and cited references are told apart",
             "A cited reference names the document citing it (cited_by) and has no text of its own (no sha256); "
             "a document cites nothing and records the sha256 of its text."),
    _package("quote-not-found", "Quotes are verbatim",
             "Every quote (and every span of not_encoded) occurs in sources/<source_id>.txt; only line breaks and runs of "
             "spaces may differ."),
    _package("quote-offset", "Quotes are pinned",
             "Every quote (and every span of not_encoded) begins at its quote_start: an offset in Unicode characters of "
             "sources/<source_id>.txt."),
    _package("mention-not-found", "Mentions are where they are said to be",
             "A row's subject_mention and object_mention occur inside its quote, or begin at their *_mention_start."),
    _package("mention-outside-quote", "Mentions outside the quote are antecedents",
             "A mention that lies outside the quote lies before it in the same paragraph (the cells that 'These cells' "
             "refers to)."),
    _package("mention-not-a-name", "Mentions name the row's entities",
             "A subject or object mention is the name, a synonym or an accepted mention of the row's subject or object, "
             "compared as painimmune.language.folding.fold compares them (case, accents, punctuation, plurals)."),
    _package("mention-unused", "Accepted mentions are used",
             "Each accepted mention listed on an entity names that entity in at least one row."),
    _package("name-ambiguous", "Names are unambiguous",
             "No two entities share a name, synonym or accepted mention (folded), so a mention and `painimmune about` "
             "name one entity."),
    _package("sentence-unaccounted", "Every sentence is accounted for",
             "Every sentence of every source text (painimmune.language.sentences) is quoted, wholly or in part, by a "
             "row, or lies wholly in a span of not_encoded with its reason."),
    _package("rank-order", "Evidence ranks run 1, 2, 3, ...", "The ranks of the evidence levels are consecutive from 1, each used once."),
    _package("rubric-invalid", "The rubric is well-formed",
             "Exactly one evidence level has no cue phrases and it comes last in decision_order; exactly one direction "
             "has no cue phrases."),
    _package("grade-rubric", "Grades follow the rubric",
             "A row's evidence level is the one the rubric gives its quote (painimmune.language.rubric): the first level "
             "in decision_order whose cue phrase the quote holds, else the level without cue phrases. A quote that names "
             "models is preclinical whatever else it says; a hedged quote is never graded above hypothesis."),
    _package("evidence-source-rubric", "Evidence sources fit the grade",
             "A row's evidence_source is one its evidence level allows (evidence_levels.evidence_sources): human clinical "
             "for the clinical levels, animal model or in vitro for preclinical, not stated for an expert statement."),
    _package("direction-rubric", "Directions follow the rubric",
             "A quote holding a negation cue (directions.cue_phrases) refutes, unless the row's note says \"'<cue>' does not "
             "negate\" the relation and why; a refuting row's quote holds a negation cue."),
    _package("eco-label", "ECO terms carry their official label",
             "Each evidence level's eco_id is in reference/ontologies/eco.tsv and its eco_label is that term's label."),
    _package("ro-label", "RO relations carry their official label",
             "Each relation's ro_id is in reference/ontologies/ro.tsv and its ro_label is that term's label; a relation "
             "without ro_id has no ro_label or ro_mapping, and says in its note why no RO relation fits."),
    _package("relation-vocabulary", "Every relation is defined once and used",
             "The ids of the relations table are exactly the values the relationship tables' predicate columns allow "
             "(the enums of their relation, effect and action columns): each allowed relation is mapped there, and no "
             "mapping is left over."),
    _package("xref-unverified", "Cross-references are verified identifiers",
             "Every CURIE in a column with a referenceTable is in that verified table of reference/ontologies (or, for "
             "close and broad matches, in one of them)."),
    _package("xref-label", "Exact cross-references name the entity",
             "The official label of each exact-match CURIE (or one of its exact synonyms) is the entity's name, a synonym "
             "or an accepted mention, compared as bags of folded words; a term verified without a label (UniProt) names "
             "another identifier of the row in its note. Two identifiers swapped between rows fail."),
    _package("ascii-synonym", "Unicode names have an ASCII synonym",
             "An entity whose name is not ASCII (TNF-α) has at least one ASCII synonym (TNF-alpha), so that it can be typed."),
    _package("cited-reference-unknown", "Cited references exist", "Every cited_refs item is a row of the sources table."),
    _package("cited-reference-foreign", "Cited references belong to the row's source",
             "Every cited_refs item is a cited reference listed by the row's own source document."),
    _package("withdrawn-row", "Withdrawn ids stay withdrawn",
             "Each row of withdrawn_rows names a relationship table, and its id is given to no row of any table."),
    _package("entity-unused", "Every entity is used", "Each entity is the subject or object of at least one assertion."),
    _package("source-unused", "Every source is used",
             "Each source document makes an assertion, and each cited reference is cited by a row or listed by a used document."),
)


def rule(rule_id: str) -> Rule:
    """The rule with id *rule_id*; raises ``ValueError`` naming the known ids for any other."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise ValueError(f"unknown validation rule {rule_id!r}; the rules are listed by `painimmune validate --list-rules`") from None


def repaired_by_build() -> frozenset[str]:
    """Ids of the rules that ``scripts/build.py`` repairs rather than refuses."""
    return frozenset(rule_id for rule_id, entry in RULES.items() if entry.repaired_by_build)


def layer_rules(layer: str) -> list[str]:
    """Ids of the rules of *layer*, in catalogue order."""
    return [rule_id for rule_id, entry in RULES.items() if entry.layer == layer]
