"""Fault injection: break a copy of the real package in one way, as a curator or a spreadsheet would,
and check that `painimmune validate PATH` fails and says where the fault is.

Each fault leaves ``datapackage.json`` as it was (hash and bytes stale), as a hand edit would;
the assertion is about the line that names the fault itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_cli
from rows import Rows, edit_rows, refresh_hash


def read_table(package: Path, table: str) -> tuple[list[str], list[list[str]]]:
    text = (package / "tables" / f"{table}.csv").read_text(encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return header, rows


def write_table(package: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    (package / "tables" / f"{table}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def map_cell(table: str, row_id: str, column: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    """A fault: one cell changed by a function of its value."""
    def apply(package: Path) -> None:
        with edit_rows(package, table) as rows:
            rows.change(row_id, column, change)
    return apply


def set_cell(table: str, row_id: str, column: str, value: str) -> Callable[[Path], None]:
    """A fault: one cell of one row (found by its primary key) set to *value*."""
    def apply(package: Path) -> None:
        with edit_rows(package, table) as rows:
            rows.set(row_id, **{column: value})
    return apply


def copy_row(table: str, row_id: str, **changes: str) -> Callable[[Path], None]:
    """A fault: a row added as a copy of row *row_id* with some cells changed."""
    def apply(package: Path) -> None:
        with edit_rows(package, table) as rows:
            rows.copy(row_id, **changes)
    return apply


def map_header(table: str, change: Callable[[list[str], list[list[str]]], tuple[list[str], list[list[str]]]]) -> Callable[[Path], None]:
    """A fault: the header (and the rows with it) changed as a whole, e.g. a column dropped."""
    def apply(package: Path) -> None:
        before = read_table(package, table)
        after = change(*before)
        assert after != before, f"{table}: the header edit changed nothing"
        write_table(package, table, *after)
    return apply


def drop_column(column: str) -> Callable:
    def change(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        i = header.index(column)
        return header[:i] + header[i + 1:], [row[:i] + row[i + 1:] for row in rows]
    return change


def swap_columns(a: str, b: str) -> Callable:
    def change(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        i, j = header.index(a), header.index(b)
        def swap(cells: list[str]) -> list[str]:
            cells = list(cells)
            cells[i], cells[j] = cells[j], cells[i]
            return cells
        return swap(header), [swap(row) for row in rows]
    return change


def map_bytes(path: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    """A fault: the bytes of one file of the package changed."""
    def apply(package: Path) -> None:
        target = package / path
        before = target.read_bytes()
        after = change(before)
        assert after != before, f"{path}: the byte edit changed nothing"
        target.write_bytes(after)
    return apply


def edit_source_text(source: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    """A fault: a source text changed and its recorded sha256 refreshed, so that only the rules on
    the text itself can stop it."""
    def apply(package: Path) -> None:
        target = package / "sources" / f"{source}.txt"
        data = change(target.read_text(encoding="utf-8")).encode("utf-8")
        target.write_bytes(data)
        with edit_rows(package, "sources") as rows:
            rows.set(source, sha256=hashlib.sha256(data).hexdigest())
    return apply


def edit_reference(relative: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    """A fault: a file fingerprinted in fileHashes (a reference table, croissant.json) edited and its
    fingerprint refreshed, as an attacker who wants a change to pass would."""
    def apply(package: Path) -> None:
        target = package / relative
        data = change(target.read_text(encoding="utf-8")).encode("utf-8")
        target.write_bytes(data)
        path = package / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        descriptor["fileHashes"][relative] = "sha256:" + hashlib.sha256(data).hexdigest()
        path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return apply


def linked(relative: str) -> Callable[[Path], None]:
    """A fault: a file or folder of the package moved out of it and replaced by a symbolic link to
    where it went (its content unchanged)."""
    def apply(package: Path) -> None:
        target = package / relative
        away = package.parent / f"away-{target.name}"
        target.rename(away)
        target.symlink_to(away, target_is_directory=away.is_dir())
    return apply


def both(*faults: Callable[[Path], None]) -> Callable[[Path], None]:
    """A fault made of several edits."""
    def apply(package: Path) -> None:
        for fault in faults:
            fault(package)
    return apply


def edit_descriptor(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(package: Path) -> None:
        path = package / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        before = json.dumps(descriptor)
        change(descriptor)
        assert json.dumps(descriptor) != before, "the descriptor edit changed nothing"
        path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return apply


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def truncate_mid_row(data: bytes) -> bytes:
    """Cut the file inside its last row, between two cells, as an interrupted copy would."""
    last_line_start = data.rstrip(b"\n").rfind(b"\n") + 1
    return data[: data.index(b",", data.index(b",", last_line_start) + 1)]


def set_cells(table: str, row_id: str, **cells: str) -> Callable[[Path], None]:
    """A fault: several cells of one row set at once."""
    def apply(package: Path) -> None:
        with edit_rows(package, table) as rows:
            rows.set(row_id, **cells)
    return apply


def move_quote(table: str, row_id: str, from_table: str, from_row: str) -> Callable[[Path], None]:
    """A fault: the quote (and its offset) of another row copied onto a row about other entities."""
    def apply(package: Path) -> None:
        donor = Rows(package, from_table).row(from_row)
        with edit_rows(package, table) as rows:
            rows.set(row_id, quote=donor["quote"], quote_start=donor["quote_start"])
    return apply


def edit_schema(table: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    """A fault: the Table Schema of *table* changed in place."""
    def apply(package: Path) -> None:
        path = package / "schemas" / f"{table}.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        before = json.dumps(schema)
        change(schema)
        assert json.dumps(schema) != before, f"{table}: the schema edit changed nothing"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return apply


def field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def add_files(files: dict[str, str]) -> Callable[[Path], None]:
    """A fault: files added to the package (none of them there before)."""
    def apply(package: Path) -> None:
        for path, text in files.items():
            assert not (package / path).exists(), path
            (package / path).parent.mkdir(parents=True, exist_ok=True)
            (package / path).write_text(text, encoding="utf-8")
    return apply


def undeclare(table: str) -> Callable[[Path], None]:
    """A fault: a table dropped from the descriptor, with every foreign key that references it."""
    def apply(package: Path) -> None:
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        for entry in descriptor["resources"]:
            schema = json.loads((package / entry["schema"]).read_text(encoding="utf-8"))
            schema["foreignKeys"] = [key for key in schema.get("foreignKeys", []) if key["reference"]["resource"] != table]
            (package / entry["schema"]).write_text(json.dumps(schema, indent=2), encoding="utf-8")
        descriptor["resources"] = [entry for entry in descriptor["resources"] if entry["name"] != table]
        (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return apply


def swap_cells(table: str, column: str, first: str, second: str) -> Callable[[Path], None]:
    """A fault: one column's values of two rows swapped."""
    def apply(package: Path) -> None:
        with edit_rows(package, table) as rows:
            a, b = rows.row(first)[column], rows.row(second)[column]
            rows.set(first, **{column: b})
            rows.set(second, **{column: a})
    return apply


def remove_row(table: str, row_id: str) -> Callable[[Path], None]:
    def apply(package: Path) -> None:
        with edit_rows(package, table) as rows:
            rows.remove(row_id)
    return apply


def remove(path: str) -> Callable[[Path], None]:
    return lambda package: shutil.rmtree(package / path) if (package / path).is_dir() else (package / path).unlink()


@dataclass(frozen=True)
class Fault:
    apply: Callable[[Path], None]
    where: str  # what the report must name: "table: row KEY: column COLUMN", or a file
    rule: str  # the rule of the catalogue that the line naming the fault reports


PRECLINICAL_QUOTE_ROW = "cc0007"  # "Preclinical data suggest an immune pathogenesis" (calvo2012)
# Two sentences and a half of calvo2012, verbatim: a true quote, but far from the shortest span.
LONG_QUOTE = ("This response involves the innate immune system, but evidence also exists of T-lymphocyte recruitment, and in "
              "some patient cohorts antibodies to neuronal antigens have been reported. Mediators released by immune cells, such "
              "as cytokines, sensitise nociceptive signalling in the peripheral and central nervous systems. Preclinical data "
              "suggest an immune pathogenesis of neuropathic pain")

FAULTS: dict[str, Fault] = {
    # keys and references
    "duplicate primary key": Fault(copy_row("mediators", "tnf", name="TNF copy", synonyms=""), "mediators: row tnf: column id", "unique"),
    "dangling cell_type_id in cell_mediators": Fault(set_cell("cell_mediators", "cm0001", "cell_type_id", "immune_cells"),
                                                     "cell_mediators: row cm0001: column cell_type_id", "foreign-key"),
    "dangling condition_id in mediator_conditions": Fault(set_cell("mediator_conditions", "mc0001", "condition_id", "neuropathy"),
                                                          "mediator_conditions: row mc0001: column condition_id", "foreign-key"),
    "dangling cell_type_id in cell_conditions": Fault(set_cell("cell_conditions", "cc0001", "cell_type_id", "plasma_cell"),
                                                      "cell_conditions: row cc0001: column cell_type_id", "foreign-key"),
    "dangling mediator in treatment_targets": Fault(set_cell("treatment_targets", "tt0001", "target_mediator_id", "tnf_alpha"),
                                                    "treatment_targets: row tt0001: column target_mediator_id", "foreign-key"),
    "dangling treatment_id in treatment_conditions": Fault(set_cell("treatment_conditions", "tc0001", "treatment_id", "anti_tnf"),
                                                           "treatment_conditions: row tc0001: column treatment_id", "foreign-key"),
    "dangling mediator in mediator_interactions": Fault(set_cell("mediator_interactions", "mi0001", "object_mediator_id", "cox2"),
                                                        "mediator_interactions: row mi0001: column object_mediator_id", "foreign-key"),
    "dangling evidence level": Fault(set_cell("treatment_conditions", "tc0002", "evidence_level_id", "anecdotal"),
                                     "treatment_conditions: row tc0002: column evidence_level_id", "foreign-key"),
    "dangling source_id": Fault(set_cell("mediator_conditions", "mc0001", "source_id", "calvo2013"),
                                "mediator_conditions: row mc0001: column source_id", "foreign-key"),
    # values
    "value outside the enum": Fault(set_cell("treatment_conditions", "tc0002", "direction", "disputes"),
                                    "treatment_conditions: row tc0002: column direction", "foreign-key"),
    "spreadsheet upper-case boolean": Fault(set_cell("mediators", "tnf", "is_class", "TRUE"), "mediators: row tnf: column is_class", "type"),
    "text in a number": Fault(set_cell("evidence_levels", "preclinical", "rank", "four"), "evidence_levels: row preclinical: column rank", "type"),
    "integer with a leading zero": Fault(set_cell("sources", "calvo2012", "year", "02012"), "sources: row calvo2012: column year", "type"),
    "empty required cell": Fault(set_cell("conditions", "allodynia", "name", ""), "conditions: row allodynia: column name", "required"),
    "empty primary key": Fault(set_cell("conditions", "allodynia", "id", ""), "conditions: row line 2: column id", "required"),
    "malformed CURIE": Fault(set_cell("cell_types", "mast_cell", "cl_id", "CL:97"), "cell_types: row mast_cell: column cl_id", "pattern"),
    "CURIE written with other digits": Fault(set_cell("cell_types", "mast_cell", "cl_id", "CL:\u0660\u0660\u0660\u0660\u0660\u0669\u0667"),
                                             "cell_types: row mast_cell: column cl_id", "pattern"),
    "CURIE with text after its pattern": Fault(set_cell("cell_types", "mast_cell", "cl_id", "CL:0000097 CL:0000097"),
                                               "cell_types: row mast_cell: column cl_id", "pattern"),
    "CURIE of the wrong ontology": Fault(set_cell("conditions", "fibromyalgia", "mondo_id", "HP:0005546"),
                                         "conditions: row fibromyalgia: column mondo_id", "pattern"),
    "trailing whitespace": Fault(set_cell("mediators", "histamine", "name", "histamine "), "mediators: row histamine: column name", "whitespace"),
    "line break inside a cell": Fault(map_cell("treatments", "nsaid", "description", lambda v: v.replace(" ", "\n", 1)),
                                      "treatments: row nsaid: column description", "whitespace"),
    "non-NFC Unicode name": Fault(map_cell("conditions", "guillain_barre_syndrome", "name", lambda v: unicodedata.normalize("NFD", v)),
                                  "conditions: row guillain_barre_syndrome: column name", "unicode-nfc"),
    "two targets in one treatment_targets row": Fault(set_cell("treatment_targets", "tt0001", "target_cell_type_id", "microglia"),
                                                      "treatment_targets: row tt0001: column target_mediator_id+target_cell_type_id", "exactly-one-of"),
    # curation rules
    "quote not in its source": Fault(map_cell("cell_conditions", PRECLINICAL_QUOTE_ROW, "quote", lambda v: v.replace("suggest", "prove")),
                                     f"cell_conditions: row {PRECLINICAL_QUOTE_ROW}: column quote", "quote-not-found"),
    "quote attributed to the wrong source": Fault(set_cell("cell_conditions", PRECLINICAL_QUOTE_ROW, "source_id", "marchand2005"),
                                                  f"cell_conditions: row {PRECLINICAL_QUOTE_ROW}: column quote", "quote-not-found"),
    "unknown source id in the cited references": Fault(set_cell("treatment_targets", "tt0002", "cited_refs", "tannenbaum_ref33"),
                                                       "treatment_targets: row tt0002: column cited_refs", "cited-reference-unknown"),
    "hedged quote graded clinical": Fault(set_cell("cell_conditions", PRECLINICAL_QUOTE_ROW, "evidence_level_id", "established_clinical"),
                                          f"cell_conditions: row {PRECLINICAL_QUOTE_ROW}: column evidence_level_id", "grade-rubric"),
    "entity no row uses": Fault(copy_row("mediators", "tnf", id="tnf_unused", name="TNF unused", synonyms="", hgnc_id="", uniprot_id="",
                                         mesh_id=""), "mediators: row tnf_unused", "entity-unused"),
    "source no row uses": Fault(copy_row("sources", "fmpm", id="fmpm_copy", title="A document no row quotes"),
                                 "sources: row fmpm_copy", "source-unused"),
    "duplicate assertion": Fault(copy_row("mediator_interactions", "mi0001", id="mi9999"), "mediator_interactions: row mi9999", "unique-key"),
    # columns and header
    "column missing": Fault(map_header("mediators", drop_column("note")), "mediators: row line 1: column note", "header"),
    "column extra": Fault(map_header("mediators", lambda h, rows: (h + ["comment"], [r + [""] for r in rows])),
                          "mediators: row line 1: column comment", "header"),
    "column renamed": Fault(map_header("treatments", lambda h, rows: (["id", "label", *h[2:]], rows)), "treatments: row line 1: column name", "header"),
    "columns reordered": Fault(map_header("conditions", swap_columns("mondo_id", "mesh_id")), "conditions: row line 1: column mondo_id", "header"),
    "header row missing": Fault(map_header("cell_types", lambda h, rows: (rows[0], rows[1:])), "cell_types: row line 1", "header"),
    "duplicated column name": Fault(map_header("cell_types", lambda h, rows: ([*h[:-1], "description"], rows)),
                                    "cell_types: row line 1: column description", "header"),
    # encodings and bytes
    "saved with a BOM": Fault(map_bytes("tables/conditions.csv", lambda b: b"\xef\xbb\xbf" + b), "conditions: row line 1", "bom"),
    "saved with CRLF line ends": Fault(map_bytes("tables/conditions.csv", lambda b: b.replace(b"\n", b"\r\n")), "conditions: row line 1", "crlf"),
    "saved in Latin-1": Fault(map_bytes("tables/conditions.csv", lambda b: b.decode("utf-8").encode("latin-1", "replace")),
                              "conditions: row guillain_barre_syndrome: column name", "utf-8"),
    "mojibake from a Latin-1 round trip": Fault(map_bytes("tables/mediators.csv", lambda b: b.decode("utf-8").encode("utf-8").decode("cp1252", "replace").encode("utf-8")),
                                                "mediators: row tnf: column name", "mojibake"),
    "table truncated mid-row": Fault(map_bytes("tables/mediators.csv", truncate_mid_row), "mediators: row tnf (line 26): column synonyms", "cell-count"),
    "quoted cell never closed": Fault(map_bytes("tables/cell_conditions.csv", lambda b: b[: b.rindex(b'"') - 5]), "cell_conditions: line", "unreadable"),
    "a delimiter too many": Fault(map_header("conditions", lambda h, rows: (h, [rows[0] + ["stray"], *rows[1:]])),
                                  "conditions: row allodynia (line 2)", "cell-count"),
    # files and metadata
    "resource file missing": Fault(remove("tables/treatments.csv"), "tables/treatments.csv", "unreadable"),
    "hash stale in datapackage.json": Fault(edit_descriptor(lambda d: resource(d, "conditions").update(hash="sha256:" + "0" * 64)),
                                            "conditions", "hash-count"),
    "hash with an unknown algorithm": Fault(edit_descriptor(lambda d: resource(d, "conditions").update(hash="sha999:abc")),
                                           "conditions: column hash: value 'sha999:abc': descriptor-invalid", "descriptor-invalid"),
    "bytes stale in datapackage.json": Fault(edit_descriptor(lambda d: resource(d, "conditions").update(bytes=1)), "conditions", "byte-count"),
    "version differs in datapackage.json": Fault(edit_descriptor(lambda d: d.update(version="9.0.0")),
                                                 "version-mismatch: CHANGELOG.md top entry", "version-mismatch"),
    "version differs in CITATION.cff": Fault(map_bytes("CITATION.cff", lambda b: re.sub(rb"(?m)^version: .*$", b'version: "9.9.9"', b)),
                                             "citation-stale: CITATION.cff version '9.9.9'", "citation-stale"),
    "schema file not valid JSON": Fault(map_bytes("schemas/mediators.json", lambda b: b[:-10]), "schemas/mediators.json: invalid JSON", "unreadable-package"),
    "datapackage.json not valid JSON": Fault(map_bytes("datapackage.json", lambda b: b.replace(b'"resources"', b"resources", 1)),
                                             "datapackage.json: invalid JSON at line", "unreadable-package"),
    "resource path outside the package": Fault(edit_descriptor(lambda d: resource(d, "mediators").update(path="../../etc/passwd")),
                                               "mediators: value '../../etc/passwd': descriptor-invalid: resource 'mediators': 'path' '../../etc/passwd' leads outside the "
                                               "package; refused", "descriptor-invalid"),
    "table and schema present but not declared": Fault(add_files({"tables/cell_cells.csv": "id\n", "schemas/cell_cells.json": "{}"}),
                                                       "undeclared-file: tables/cell_cells.csv is not", "undeclared-file"),
    "schema present but not declared": Fault(add_files({"schemas/cell_cells.json": "{}"}), "undeclared-file: schemas/cell_cells.json", "undeclared-file"),
    "table in a subfolder of tables/": Fault(add_files({"tables/sub/evil.csv": "id\n=1+1\n"}), "undeclared-file: tables/sub/evil.csv", "undeclared-file"),
    "table with an upper-case extension": Fault(add_files({"tables/notes.CSV": "id\n"}), "undeclared-file: tables/notes.CSV", "undeclared-file"),
    "resource without a hash": Fault(edit_descriptor(lambda d: resource(d, "conditions").pop("hash")), "conditions: column hash: hash-missing", "hash-missing"),
    # the package's own schema properties
    "idPrefix renamed": Fault(edit_schema("cell_mediators", lambda s: s["assertion"].update(prefix=s["assertion"].pop("idPrefix"))),
                              "cell_mediators: column assertion.idPrefix: schema-extension-invalid", "schema-extension-invalid"),
    "exactlyOneOf misspelt": Fault(edit_schema("treatment_targets", lambda s: s.update(exactlyOnOf=s.pop("exactlyOneOf"))),
                                   "treatment_targets: schema-extension-invalid: $: Additional properties are not allowed ('exactlyOnOf'", "schema-extension-invalid"),
    "Biolink category misspelt": Fault(edit_schema("cell_types", lambda s: s.update(biolinkCategory="biolink:Celll")),
                                       "cell_types: column biolinkCategory: value 'biolink:Celll': biolink-unknown", "biolink-unknown"),
    "Biolink predicate that is no predicate": Fault(
        set_cells("relations", "induces", biolink_predicate="biolink:induces"),
        "relations: row induces: column biolink_predicate: value 'biolink:induces': xref-unverified", "xref-unverified"),
    "RO relation with another's label": Fault(set_cells("relations", "produces", ro_label="produced by"),
                                              "relations: row produces: column ro_label: value 'produced by': ro-label", "ro-label"),
    "relation without a mapping": Fault(
        edit_schema("cell_mediators", lambda s: field(s, "relation")["constraints"]["enum"].append("hoards")),
        "cell_mediators: column relation: value 'hoards': relation-vocabulary", "relation-vocabulary"),
    "assertion naming a column that does not exist": Fault(
        edit_schema("cell_conditions", lambda s: s["assertion"].update(object=["condition", "site"])),
        "cell_conditions: column assertion.object: schema-extension-invalid: $.assertion.object: column 'condition' is not a field",
        "schema-extension-invalid"),
    "shared field changed in one schema": Fault(edit_schema("cell_conditions", lambda s: field(s, "quote")["constraints"].update(maxLength=400)),
                                                "cell_conditions: column quote: shared-field-drift", "shared-field-drift"),
    # curation rules that were once only in the tests
    "CURIE absent from the verified reference tables": Fault(set_cell("cell_types", "mast_cell", "cl_id", "CL:0000098"),
                                                             "cell_types: row mast_cell: column cl_id: value 'CL:0000098': xref-unverified", "xref-unverified"),
    "reference table of the package edited, its fingerprint refreshed": Fault(
        edit_reference("reference/ontologies/cl.tsv", lambda t: t + "CL:0000098\tmast cell\t\tforged\t\n"),
        "property fileHashes: value 'reference/ontologies/cl.tsv': reference-differs", "reference-differs"),
    "column of identifiers taken out of the reference check": Fault(
        both(edit_schema("mediators", lambda s: field(s, "hgnc_id").pop("referenceTable")), set_cell("mediators", "tnf", "hgnc_id", "HGNC:99999")),
        "mediators: column hgnc_id: reference-table: the installed painimmune checks this column against reference/ontologies/hgnc.tsv",
        "reference-table"),
    "column of identifiers pointed at another reference table": Fault(
        edit_schema("mediators", lambda s: field(s, "hgnc_id").update(referenceTable="reference/ontologies/cl.tsv")),
        "mediators: column hgnc_id: value 'reference/ontologies/cl.tsv': reference-table", "reference-table"),
    "reference table the installed painimmune does not ship": Fault(
        edit_schema("mediators", lambda s: field(s, "uniprot_id").update(referenceTable="reference/ontologies/forged.tsv")),
        "mediators: column uniprot_id: value 'reference/ontologies/forged.tsv': reference-table", "reference-table"),
    "wrong identifier listed in the package's own reference table": Fault(
        both(edit_reference("reference/ontologies/cl.tsv", lambda t: t + "CL:0000098\tmast cell\t\tforged\t\n"),
             set_cell("cell_types", "mast_cell", "cl_id", "CL:0000098")),
        "cell_types: row mast_cell: column cl_id: value 'CL:0000098': xref-unverified", "xref-unverified"),
    "quote longer than the schema allows": Fault(set_cell("cell_conditions", PRECLINICAL_QUOTE_ROW, "quote", LONG_QUOTE),
                                                 f"cell_conditions: row {PRECLINICAL_QUOTE_ROW}: column quote: value {LONG_QUOTE!r}: maxLength", "maxLength"),
    "evidence ranks with a gap": Fault(set_cell("evidence_levels", "hypothesis", "rank", "7"), "evidence_levels: column rank: value '1, 2, 3, 4, 5, 7': rank-order", "rank-order"),
    "ECO term with another label": Fault(set_cell("evidence_levels", "expert_statement", "eco_label", "expert opinion"),
                                         "evidence_levels: row expert_statement: column eco_label: value 'expert opinion': eco-label", "eco-label"),
    "Unicode name without an ASCII synonym": Fault(set_cell("mediators", "tnf", "synonyms", "TNF-α"),
                                                   "mediators: row tnf: column synonyms: ascii-synonym", "ascii-synonym"),
    "cited reference that names no citing document": Fault(set_cell("sources", "tannenbaum_ref2", "cited_by", ""),
                                                           "sources: row tannenbaum_ref2: column cited_by: source-kind", "source-kind"),
    "passage not encoded whose length is wrong": Fault(
        set_cell("not_encoded", "ne0011", "length", "81"),
        "not_encoded: row ne0011: column sha256: value '0027b14960f3ac8805b9780d0f266244ea8a559526fa001049c52b6323d01967': "
        "passage-fingerprint", "passage-fingerprint"),
    "passage not encoded whose sha256 is another passage's": Fault(
        set_cell("not_encoded", "ne0011", "sha256", "e91e59450d593839af2d61e608e0bb79316ace7cc3a04a11171f80bf07f0a1ca"),
        "not_encoded: row ne0011: column sha256: value 'e91e59450d593839af2d61e608e0bb79316ace7cc3a04a11171f80bf07f0a1ca': "
        "passage-fingerprint", "passage-fingerprint"),
    "passage not encoded pinned at the wrong offset": Fault(
        set_cell("not_encoded", "ne0011", "quote_start", "1540"),
        "not_encoded: row ne0011: column quote_start: value '1540': quote-offset: the passage begins at 1541", "quote-offset"),
    "opening that is not the passage's first words": Fault(
        set_cell("not_encoded", "ne0011", "opening", "Another route…"),
        "not_encoded: row ne0011: column opening: value 'Another route…': passage-opening", "passage-opening"),
    "opening cut without its ellipsis": Fault(
        set_cell("not_encoded", "ne0011", "opening", "Another"),
        "not_encoded: row ne0011: column opening: value 'Another': passage-opening", "passage-opening"),
    "opening of more words than the passage's opening is": Fault(
        set_cell("not_encoded", "ne0011", "opening", "Another mechanism could…"),
        "not_encoded: row ne0011: column opening: value 'Another mechanism could…': passage-opening", "passage-opening"),
    "opening that republishes more than five words": Fault(
        set_cell("not_encoded", "ne0011", "opening", "Another mechanism could be the retrograde transport…"),
        "not_encoded: row ne0011: column opening: value 'Another mechanism could be the retrograde transport…': pattern", "pattern"),
    # grounding, pinning and accounting
    "quote moved onto a row about other entities": Fault(move_quote("cell_conditions", "cc0017", "cell_mediators", "cm0006"),
                                                        "cell_conditions: row cc0017: column object_mention: value 'neuropathic pain': "
                                                        "mention-not-found", "mention-not-found"),
    "quote cut to a fragment": Fault(set_cells("cell_mediators", "cm0001", quote="immune cells", quote_start=str(858 + 22)),
                                     "cell_mediators: row cm0001: column object_mention: value 'Mediators': mention-not-found", "mention-not-found"),
    "fragment quote whose object is said to lie after it": Fault(
        set_cells("cell_mediators", "cm0001", quote="Mediators released by immune cells", object_mention="cytokines",
                  object_mention_start=str(858 + 44)),
        "cell_mediators: row cm0001: column object_mention_start: value '902': mention-outside-quote", "mention-outside-quote"),
    "quote pinned at the wrong offset": Fault(set_cell("cell_conditions", PRECLINICAL_QUOTE_ROW, "quote_start", "1000"),
                                              f"cell_conditions: row {PRECLINICAL_QUOTE_ROW}: column quote_start: value '1000': quote-offset", "quote-offset"),
    "mention that names another entity": Fault(set_cell("cell_mediators", "cm0001", "subject_mention", "cytokines"),
                                               "cell_mediators: row cm0001: column subject_mention: value 'cytokines': mention-not-a-name", "mention-not-a-name"),
    "refuting row flipped to supports": Fault(set_cell("treatment_conditions", "tc0002", "direction", "supports"),
                                              "treatment_conditions: row tc0002: column direction: value 'supports': direction-rubric", "direction-rubric"),
    "supporting row flipped to refutes": Fault(set_cell("cell_conditions", "cc0001", "direction", "refutes"),
                                               "cell_conditions: row cc0001: column direction: value 'refutes': direction-rubric", "direction-rubric"),
    "hedged quote graded expert_statement": Fault(set_cell("cell_conditions", "cc0009", "evidence_level_id", "expert_statement"),
                                                  "cell_conditions: row cc0009: column evidence_level_id: value 'expert_statement': grade-rubric: the quote holds the cue phrase 'might'", "grade-rubric"),
    "quote naming models graded hypothesis": Fault(set_cells("treatment_conditions", "tc0015", evidence_level_id="hypothesis"),
                                                   "treatment_conditions: row tc0015: column evidence_level_id: value 'hypothesis': grade-rubric: the quote holds the cue phrase 'models'", "grade-rubric"),
    "preclinical row said to be gathered in patients": Fault(
        set_cell("treatment_conditions", "tc0015", "species_context_qualifier", "human"),
        "treatment_conditions: row tc0015: column species_context_qualifier: value 'human': species-context-rubric",
        "species-context-rubric"),
    "empty item in a list": Fault(map_cell("mediators", "il6", "synonyms", lambda v: v + "|"),
                                  "mediators: row il6: column synonyms: value", "empty-list-item"),
    "two identifiers swapped between rows": Fault(swap_cells("mediators", "hgnc_id", "tnf", "il1b"),
                                                  "mediators: row tnf: column hgnc_id: value 'HGNC:5992': xref-label", "xref-label"),
    "sentence neither quoted nor listed": Fault(remove_row("not_encoded", "ne0035"),
                                                "sources: row calvo2012: column text: value 'An important challenge for the future", "sentence-unaccounted"),
    "accepted mention no row uses": Fault(map_cell("cell_types", "mast_cell", "mentions", lambda v: v + "|granulocyte"),
                                          "cell_types: row mast_cell: column mentions: value 'granulocyte': mention-unused", "mention-unused"),
    "one name for two entities": Fault(map_cell("cell_types", "t_cell", "synonyms", lambda v: v + "|Treg"),
                                       "name-ambiguous", "name-ambiguous"),
    "withdrawn id given to a new row": Fault(copy_row("cell_conditions", "cc0001", id="cc0019", relation="is involved in"),
                                             "withdrawn_rows: row cc0019: column id: value 'cc0019': withdrawn-row", "withdrawn-row"),
    "rubric level without cues not tried last": Fault(set_cell("evidence_levels", "expert_statement", "decision_order", "0"),
                                                      "evidence_levels: column cue_phrases: rubric-invalid", "rubric-invalid"),
    # one fault for every rule of the catalogue not named above (tests/test_faults.py checks that each rule has one)
    "Table Schema field of an unknown type": Fault(edit_schema("cell_types", lambda s: field(s, "note").update(type="strng")),
                                                   "cell_types: column note: table-schema-invalid", "table-schema-invalid"),
    "lookup table the rules read left undeclared": Fault(undeclare("directions"), "directions: required-table", "required-table"),
    "schema edited after the build": Fault(edit_schema("cell_types", lambda s: field(s, "lineage").update(title="Cell lineage")),
                                           "property fileHashes: value 'schemas/cell_types.json': file-hash", "file-hash"),
    "row count stale in datapackage.json": Fault(edit_descriptor(lambda d: resource(d, "conditions").update(rows=1)),
                                                 "conditions: column rows: value '1': row-count", "row-count"),
    "value outside a column's enum": Fault(set_cell("conditions", "fibromyalgia", "kind", "disorder"),
                                           "conditions: row fibromyalgia: column kind: value 'disorder': enum", "enum"),
    "quote shorter than the schema allows": Fault(set_cells("cell_conditions", "cc0001", quote="Guillain", quote_start="402"),
                                                  "cell_conditions: row cc0001: column quote: value 'Guillain': minLength", "minLength"),
    "negative offset": Fault(set_cell("cell_conditions", "cc0001", "quote_start", "-1"),
                             "cell_conditions: row cc0001: column quote_start: value '-1': minimum", "minimum"),
    "value above a maximum the schema sets": Fault(
        edit_schema("evidence_levels", lambda s: field(s, "rank")["constraints"].update(maximum=5)),
        "evidence_levels: row hypothesis: column rank: value '6': maximum", "maximum"),
    "formula in a note": Fault(set_cell("treatments", "nsaid", "note", "=HYPERLINK(\"http://x.example\")"),
                               "treatments: row nsaid: column note", "spreadsheet-formula"),
    "control character in a name": Fault(map_cell("mediators", "histamine", "description", lambda v: v + "\x07"),
                                         "mediators: row histamine: column description", "invisible-character"),
    "soft hyphen inside a word of a quote": Fault(map_cell("cell_conditions", "cc0010", "quote", lambda v: v.replace("not", "n\u00adot", 1)),
                                                  "cell_conditions: row cc0010: column quote", "invisible-character"),
    "Cyrillic letter that reads as a Latin one in a name": Fault(map_cell("mediators", "tnf", "name", lambda v: "\u0422" + v[1:]),
                                                                "mediators: row tnf: column name", "lookalike-letter"),
    "synonym that repeats the name": Fault(set_cell("mediators", "histamine", "synonyms", "Histamine"),
                                           "mediators: row histamine: column name+synonyms", "synonyms-distinct-from-name"),
    "release date differs in datapackage.json": Fault(edit_descriptor(lambda d: d.update(created="2031-01-01T00:00:00Z")),
                                                      "release-date-mismatch: CHANGELOG.md top entry", "release-date-mismatch"),
    "CHANGELOG.md not UTF-8": Fault(map_bytes("CHANGELOG.md", lambda b: b + b"\xff"), "value 'CHANGELOG.md': file-unreadable",
                                    "file-unreadable"),
    "source text edited": Fault(map_bytes("sources/calvo2012.txt", lambda b: b.replace(b"Persistent", b"Persisting")),
                                "sources: row calvo2012: column sha256", "source-text-changed"),
    "cited reference of another document": Fault(set_cell("cell_conditions", "cc0054", "cited_refs", "tannenbaum_ref2"),
                                                 "cell_conditions: row cc0054: column cited_refs: value 'tannenbaum_ref2'",
                                                 "cited-reference-foreign"),
    "croissant.json missing a record set, its fingerprint refreshed": Fault(
        edit_reference("croissant.json", lambda t: json.dumps({**json.loads(t), "recordSet": json.loads(t)["recordSet"][1:]})),
        "croissant.json differs from the description of this package in record set 'mediators'", "croissant-stale"),
    "croissant.json nested 10,000 levels deep, its fingerprint refreshed": Fault(
        edit_reference("croissant.json", lambda t: "[" * 10_000 + "]" * 10_000),
        "croissant.json: JSON nested more than 64 levels deep", "croissant-stale"),
    "source text that is a link": Fault(linked("sources/fmpm.txt"), "value 'sources/fmpm.txt': symbolic-link", "symbolic-link"),
    "folder that is a link": Fault(linked("curation"), "value 'curation': symbolic-link", "symbolic-link"),
    "zero-width space in a source text": Fault(edit_source_text("fmpm", lambda t: t.replace("immune", "im\u200bmune", 1)),
                                               "sources: row fmpm: source-text-character", "source-text-character"),
    "a column this painimmune reads missing from a table and its schema (another release's package)": Fault(
        both(map_header("not_encoded", drop_column("length")),
             edit_schema("not_encoded", lambda s: s.update(fields=[f for f in s["fields"] if f["name"] != "length"]))),
        "not_encoded: column length: field-missing", "field-missing"),
    "source text edited, its sha256 refreshed (a negative finding turned positive)": Fault(
        edit_source_text("marchand2005", lambda t: t.replace("the lack of effect of", "the broad efficacy of", 1)),
        "sources: row marchand2005: column sha256", "source-text-changed"),
    "quote cut through its negation cue, made supporting": Fault(
        set_cells("treatment_conditions", "tc0002", quote="effect of cyclooxygenase inhibitors in patients with neuropathic pain",
                  quote_start="1415", direction="supports", note=""),
        "treatment_conditions: row tc0002: column quote", "cue-outside-quote"),
    "negation waved away by a note that gives no reason": Fault(
        set_cells("treatment_conditions", "tc0002", direction="supports", note="'lack of effect' does not negate the relation."),
        "treatment_conditions: row tc0002: column direction", "direction-rubric"),
    "rubric of the package loosened, its fingerprints refreshed": Fault(
        both(map_cell("directions", "refutes", "cue_phrases", lambda v: "|".join(c for c in v.split("|") if c != "lack of effect")),
             lambda package: refresh_hash(package, "directions"), set_cells("treatment_conditions", "tc0002", direction="supports")),
        "directions: row refutes: column cue_phrases", "rubric-differs"),
    "a narrow match that is no subclass of the exact term": Fault(set_cell("cell_types", "b_cell", "narrow_matches", "CL:0000127"),
                                                                  "cell_types: row b_cell: column narrow_matches: value 'CL:0000127': "
                                                                  "match-ontology", "match-ontology"),
    "Cyrillic letter in a source text": Fault(edit_source_text("fmpm", lambda t: t.replace("immune", "immun\u0435", 1)),
                                              "sources: row fmpm: source-text-character", "source-text-character"),
    "source text missing": Fault(remove("sources/fmpm.txt"), "sources: row fmpm: source-text-missing", "source-text-missing"),
    # A copy without sources/ (a release zip) whose texts the installed painimmune does not hold: its
    # quotes are compared with the installed rows, and a changed one is refused, not passed with a note.
    "quote changed in a copy without its texts": Fault(
        both(remove("sources"), set_cell("sources", "calvo2012", "sha256", "0" * 64),
             map_cell("cell_mediators", "cm0001", "quote", lambda q: q.replace("sensitise", "desensitise"))),
        "cell_mediators: row cm0001: column quote: value 'Mediators released by immune cells, such as cytokines, desensitise",
        "quote-unverified"),
    "passage both quoted and listed as not encoded": Fault(
        copy_row("not_encoded", "ne0010", id="ne9999", source_id="calvo2012", quote_start="993", length="47",
                 sha256=hashlib.sha256(b"Preclinical data suggest an immune pathogenesis").hexdigest(), opening="Preclinical…"),
        "not_encoded: row ne9999: column quote_start: value '993': not-encoded-quoted",
        "not-encoded-quoted"),
    "quote cut before the negation of its sentence": Fault(
        set_cells("cell_conditions", "cc0010", quote="an active role in acute responses to painful stimuli (nociception)",
                  quote_start="391", direction="supports", evidence_level_id="expert_statement"),
        "cell_conditions: row cc0010: column quote: value 'an active role in acute responses to painful stimuli (nociception)': "
        "cue-outside-quote: the quote's sentence holds the direction cue 'does not'", "cue-outside-quote"),
    # context, examples and classes
    "cited references the sentence's markers do not give": Fault(set_cell("cell_mediators", "cm0043", "cited_refs", "tannenbaum_ref1"),
                                                                "cell_mediators: row cm0043: column cited_refs: value 'tannenbaum_ref1': "
                                                                "cited-references-policy", "cited-references-policy"),
    "example that is no entity of the end's table": Fault(set_cell("cell_mediators", "cm0047", "object_examples", "ccl3"),
                                                          "cell_mediators: row cm0047: column object_examples: value 'ccl3': example-unknown",
                                                          "example-unknown"),
    "examples of an end that is no class": Fault(
        set_cells("cell_mediators", "cm0055", object_examples="tnf", object_example_mentions="TNF-α"),
        "cell_mediators: row cm0055: column object_examples: value 'tnf': example-of-an-instance", "example-of-an-instance"),
    "example whose words the quote does not hold": Fault(set_cell("cell_mediators", "cm0047", "object_example_mentions", "CCL3"),
                                                         "cell_mediators: row cm0047: column object_example_mentions: value 'CCL3': "
                                                         "example-mention", "example-mention"),
    "disease context that is the row's object": Fault(set_cell("treatment_conditions", "tc0004", "disease_context_qualifier", "crps"),
                                                      "treatment_conditions: row tc0004: column disease_context_qualifier: value 'crps': "
                                                      "context-is-an-end", "context-is-an-end"),
    "modal verb the quote does not hold": Fault(set_cell("cell_conditions", "cc0012", "modal_verb", "may"),
                                                "cell_conditions: row cc0012: column modal_verb: value 'may': modal-verb-grounded",
                                                "modal-verb-grounded"),
    "modal verb of the quote left unrecorded": Fault(set_cell("cell_mediators", "cm0008", "modal_verb", ""),
                                                     "cell_mediators: row cm0008: column modal_verb: value '': modal-verb-unrecorded",
                                                     "modal-verb-unrecorded"),
    "modal verb on a relation that holds one": Fault(set_cell("treatment_conditions", "tc0004", "modal_verb", "can"),
                                                     "treatment_conditions: row tc0004: column modal_verb: value 'can': modal-verb-grounded",
                                                     "modal-verb-grounded"),
    "parent that is no entity of the table": Fault(set_cell("mediators", "il10", "parents", "cytokines"),
                                                   "mediators: row il10: column parents: value 'cytokines': parent-unknown", "parent-unknown"),
    "parent that is no class": Fault(set_cell("mediators", "il10", "parents", "il6"),
                                     "mediators: row il10: column parents: value 'il6': parent-not-a-class", "parent-not-a-class"),
    "hierarchy with a cycle": Fault(set_cell("mediators", "cytokine", "parents", "pro_inflammatory_cytokine"),
                                    "mediators: row cytokine: column parents: value 'pro_inflammatory_cytokine': parent-cycle", "parent-cycle"),
    "parent the ontology does not place above": Fault(set_cell("cell_types", "astrocyte", "parents", "t_cell"),
                                                      "cell_types: row astrocyte: column parents: value 't_cell': parent-ontology",
                                                      "parent-ontology"),
    "rows out of order": Fault(map_header("conditions", lambda h, rows: (h, [rows[1], rows[0], *rows[2:]])),
                               "conditions: not-normalised", "not-normalised"),
    "a new hedge cue in the rubric applies at once": Fault(map_cell("evidence_levels", "hypothesis", "cue_phrases", lambda v: v + "|successfully"),
                                                           "treatment_conditions: row tc0001: column evidence_level_id: value 'established_clinical'", "grade-rubric"),
}


@pytest.mark.slow  # one `painimmune validate` process per fault: CI runs them (.ci/run), the default run does not
@pytest.mark.parametrize("name", list(FAULTS))
def test_validate_names_the_fault(package_copy: Path, name: str) -> None:
    fault = FAULTS[name]
    fault.apply(package_copy)
    result = run_cli("validate", package_copy)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert fault.where in result.stderr, result.stderr
    assert any(fault.where in line and f": {fault.rule}: " in line for line in result.stderr.splitlines()), result.stderr


def test_every_rule_of_the_catalogue_has_a_fault_that_breaks_it() -> None:
    from painimmune.validation.rules import RULES

    assert {fault.rule for fault in FAULTS.values()} == set(RULES)
