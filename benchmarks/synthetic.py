"""Synthetic packages of any size, generated from the real package and its schemas.

Relationship rows are copies of real rows (templates) whose subject is a synthetic entity, so every
row stays valid and grounded, as the real rows are:

- each synthetic entity is named in a source of its own: the real source texts are pinned and never
  edited, so for every real source a synthetic document ``<source_id>_synthetic`` (same type, its own
  text and sha256, and a copy of each reference the real one cites) holds, for every subject table,
  a paragraph that lists the synthetic entities on its first line (a span of ``not_encoded``, so
  the sentence is accounted for) and repeats the templates' quotes on the lines after it; a
  synthetic row quotes its template's sentence there and names its subject by an antecedent in the
  list (``subject_mention_start``), as a curator names "these cells";
- foreign keys resolve, assertions stay unique, every synthetic entity is used, and quotes, cues
  and evidence are the real rows', so the rubric holds;
- a synthetic row cites the references that the markers around its quote's new place give it
  (the written policy, :mod:`painimmune.language.markers`), and a synthetic entity is a class
  when a template names examples of its subject;
- rows are spread over the relationship tables in the real proportions.

The result is in normal form with fresh hashes (tables, and the synthetic texts' ``sha256``), so it
validates exactly like the real package.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

from painimmune.build import json_bytes
from painimmune.export import croissant
from painimmune.graph import entity_type, relationship_tables
from painimmune.language.markers import markers_of_span, sentence_markers
from painimmune.language.passages import Passage
from painimmune.language.text import span
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.package.files import PACKAGE_PARTS
from painimmune.package.integrity import sha256
from painimmune.package.schemas import field_names, mapping_columns, primary_key, unique_keys

PARTS = tuple(part for part in PACKAGE_PARTS if part != "curation")  # (the curation notes play no part in validation)
LISTS = ("synonyms", "mentions")


def generate(root: Path, target: Path, relationship_rows: int) -> Path:
    """Write a package with *relationship_rows* rows across the relationship tables into *target*."""
    target.mkdir(parents=True)
    for part in PARTS:
        (shutil.copytree if (root / part).is_dir() else shutil.copy2)(root / part, target / part)
    package = DataPackage(target)
    relations = relationship_tables(package)
    tables = {name: csvio.parse(package.table_path(name).read_text(encoding="utf-8"), name) for name in package.table_names}
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sorted((target / "sources").glob("*.txt"))}
    real = sum(len(tables[name][1]) for name in relations)
    counts: dict[str, int] = {}  # synthetic entities per entity table
    planned: list[tuple[str, list[str], int]] = []  # (table, template row, synthetic subject number)
    for name, roles in relations.items():
        header, rows = tables[name]
        wanted = max(round(relationship_rows * len(rows) / real) - len(rows), 0)  # the real rows stay
        entities = entity_type(package, name, roles.subject)
        templates = _templates(package, name, header, rows, roles.subject)
        first = counts.get(entities, 0)
        planned += [(name, templates[i % len(templates)], first + i // len(templates)) for i in range(wanted)]
        counts[entities] = first + math.ceil(wanted / len(templates))
    names = {table: [f"synthetic {table} {j}" for j in range(count)] for table, count in counts.items()}
    places = _append_paragraphs(package, tables, texts, planned, names)
    cited = _cited_refs(tables, texts, places)
    classes = {entity_type(package, name, relations[name].subject) for name, template, _ in planned
               if template[tables[name][0].index("subject_examples")]}
    made = {name: 0 for name in relations}
    for name, template, number in planned:
        header, rows = tables[name]
        roles = relations[name]
        row = list(template)
        made[name] += 1
        row[0] = f"{roles.id_prefix}{made[name]:07d}"
        entities = entity_type(package, name, roles.subject)
        quote_at, name_at = places[(row[header.index("source_id")], entities, row[header.index("quote")])]
        row[header.index(roles.subject)] = _entity_id(entities, number)
        row[header.index("quote_start")] = str(quote_at)
        row[header.index("subject_mention")] = names[entities][number]
        row[header.index("subject_mention_start")] = str(name_at[number])
        row[header.index("cited_refs")] = cited[(row[header.index("source_id")], quote_at)]
        row[header.index("source_id")] = _synthetic_source(row[header.index("source_id")])
        rows.append(row)
    for entities, count in counts.items():
        header, rows = tables[entities]
        template = rows[0]
        for j in range(count):
            blank = {*LISTS, *mapping_columns(package.schema(entities))}  # (no identifier names a synthetic entity)
            row = ["" if column in blank else value for column, value in zip(header, template)]
            row[header.index("id")] = _entity_id(entities, j)
            row[header.index("name")] = names[entities][j]
            if entities in classes:
                row[header.index("is_class")] = "true"
            rows.append(row)
    _write(package, tables, texts)
    return target


def _templates(package: DataPackage, table: str, header: list[str], rows: list[list[str]], subject: str) -> list[list[str]]:
    """The real rows that can carry a synthetic subject: mentions inside one paragraph's quote, and
    differing in more than their subject, so one synthetic subject never repeats an assertion."""
    key = [header.index(c) for c in unique_keys(package.schema(table))[0] if c != subject]
    usable = [row for row in rows if not row[header.index("object_mention_start")] and "\n\n" not in row[header.index("quote")]]
    return list({tuple(row[k] for k in key): row for row in usable}.values())


def _append_paragraphs(package: DataPackage, tables: dict[str, tuple[list[str], list[list[str]]]], texts: dict[str, str],
                       planned: list[tuple[str, list[str], int]], names: dict[str, list[str]]) -> dict[tuple[str, str, str], tuple[int, list[int]]]:
    """Append one paragraph per (source, subject table) to the source texts; returns, for each
    (source, entity table, quote), where the quote and each synthetic name begin."""
    relations = relationship_tables(package)
    quotes: dict[tuple[str, str], dict[str, None]] = {}
    for name, template, _ in planned:
        header = tables[name][0]
        entities = entity_type(package, name, relations[name].subject)
        quotes.setdefault((template[header.index("source_id")], entities), {})[template[header.index("quote")]] = None
    not_encoded_header, not_encoded = tables["not_encoded"]
    places = {}
    for number, ((source, entities), listed) in enumerate(sorted(quotes.items())):
        synthetic = _synthetic_source(source)
        text = texts[synthetic].rstrip("\n") + "\n\n" if synthetic in texts else ""
        first_line = f"Synthetic {entities}: "
        name_at = []
        parts = [first_line]
        offset = len(text) + len(first_line)
        for j, name in enumerate(names[entities]):
            if j:
                parts.append(", ")
                offset += 2
            name_at.append(offset)
            parts.append(name)
            offset += len(name)
        parts.append(".")
        list_line = "".join(parts)
        row = dict.fromkeys(not_encoded_header, "")
        passage = Passage.of(text + list_line, len(text), len(text) + len(list_line))
        row.update(id=f"ne9{number:05d}", source_id=synthetic, quote_start=str(len(text)), length=str(passage.length),
                   sha256=passage.sha256, opening=passage.opening,
                   kind="no relation between entities", reason="A list of the synthetic entities of a benchmark package.")
        not_encoded.append([row[column] for column in not_encoded_header])
        text += list_line + "\n"
        for quote in listed:
            places[(source, entities, quote)] = (len(text), name_at)
            text += quote + ("" if quote.rstrip()[-1:] in ".!?" else ".") + "\n"
        texts[synthetic] = text
    _add_sources(tables, {source for source, _ in quotes})
    return places


def _synthetic_source(source: str) -> str:
    """The id of the synthetic document that holds the synthetic paragraphs of real source *source*."""
    return f"{source}_synthetic"


def _add_sources(tables: dict[str, tuple[list[str], list[list[str]]]], sources: set[str]) -> None:
    """A row in the sources table for the synthetic document of each of *sources*, and a copy of each
    reference it cites (cited by the synthetic document: a row cites only its own source's references)."""
    header, rows = tables["sources"]
    at = {column: header.index(column) for column in ("id", "title", "cited_by", "sha256", "note")}
    added = []
    for row in rows:
        if row[at["id"]] in sources:
            copy = list(row)
            copy[at["id"]] = _synthetic_source(row[at["id"]])
            copy[at["title"]] = f"{row[at['title']]} (synthetic paragraphs of a benchmark package)"
            copy[at["note"]] = "Synthetic paragraphs naming the synthetic entities of a benchmark package."
            added.append(copy)
        elif row[at["cited_by"]] in sources:
            copy = list(row)
            copy[at["id"]] = _synthetic_source(row[at["id"]])
            copy[at["cited_by"]] = _synthetic_source(row[at["cited_by"]])
            added.append(copy)
    rows += added


def _cited_refs(tables: dict[str, tuple[list[str], list[list[str]]]], texts: dict[str, str],
                places: dict[tuple[str, str, str], tuple[int, list[int]]]) -> dict[tuple[str, int], str]:
    """The cited_refs cell of a quote at each new place, by (source, offset): the references its
    sentences carry there under the written policy, read through the sources' reference numbers."""
    header, rows = tables["sources"]
    at = {column: header.index(column) for column in ("id", "cited_by", "reference_number")}
    numbered = {(row[at["cited_by"]], row[at["reference_number"]]): row[at["id"]] for row in rows if row[at["reference_number"]]}
    carried = {source: sentence_markers(texts[_synthetic_source(source)]) for source in {source for source, _, _ in places}}
    cited = {}
    for (source, _, quote), (quote_at, _) in places.items():
        synthetic = _synthetic_source(source)
        pinned = span(quote, texts[synthetic], quote_at)
        assert pinned is not None, (source, quote_at)
        numbers = markers_of_span(texts[synthetic], *pinned, carried[source])
        cited[(source, quote_at)] = "|".join(numbered.get((synthetic, number), f"[{number}]") for number in numbers)
    return cited


def _write(package: DataPackage, tables: dict[str, tuple[list[str], list[list[str]]]], texts: dict[str, str]) -> None:
    """The tables in normal form, the source texts, and every hash that covers them."""
    header, rows = tables["sources"]
    for row in rows:
        if row[0] in texts:
            content = texts[row[0]].encode("utf-8")
            (package.root / "sources" / f"{row[0]}.txt").write_bytes(content)
            row[header.index("sha256")] = hashlib.sha256(content).hexdigest()
    for name in package.table_names:
        header, rows = tables[name]
        keys = [header.index(column) for column in primary_key(package.schema(name))]
        rows.sort(key=lambda row: [row[i] for i in keys])
        _write_table(package, name, csvio.format_rows(field_names(package.schema(name)), rows), len(rows))
    _write_metadata(package)


def _write_table(package: DataPackage, name: str, content: bytes, rows: int) -> None:
    """Table *name* written, its hash, size and row count recorded in the descriptor (not yet saved)."""
    package.table_path(name).write_bytes(content)
    package.resource(name).update(hash="sha256:" + hashlib.sha256(content).hexdigest(), bytes=len(content), rows=rows)


def _write_metadata(package: DataPackage) -> None:
    """croissant.json, which describes the tables as written, and the descriptor with its hash."""
    metadata = json_bytes(croissant.croissant(package))
    (package.root / croissant.FILE).write_bytes(metadata)
    package.descriptor["fileHashes"][croissant.FILE] = sha256(metadata)
    (package.root / "datapackage.json").write_text(json.dumps(package.descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _entity_id(table: str, number: int) -> str:
    return f"synthetic_{table}_{number:07d}"


def tiny_rows(root: Path, target: Path, table_bytes: int) -> Path:
    """Write into *target* the package at *root* with about *table_bytes* more of tiny, valid rows in
    ``withdrawn_rows`` (ids never used, five short cells a row: the most cells, and so the most
    per-cell memory, a byte of a valid table can hold), its hash, size and croissant.json refreshed."""
    target.mkdir(parents=True)
    for part in PARTS:
        (shutil.copytree if (root / part).is_dir() else shutil.copy2)(root / part, target / part)
    package = DataPackage(target)
    name = "withdrawn_rows"
    header, rows = csvio.parse(package.table_path(name).read_text(encoding="utf-8"), name)
    table = next(iter(relationship_tables(package)))  # (the table a withdrawn row was in)
    template = ["zz0000000", table, "1.0.0", "x", ""]
    count = table_bytes // len(csvio.format_rows(template, []))
    rows += [[f"zz{i:07d}", table, "1.0.0", "x", ""] for i in range(count)]
    rows.sort(key=lambda row: row[0])
    _write_table(package, name, csvio.format_rows(header, rows), len(rows))
    _write_metadata(package)
    return target


def repeated_row(root: Path, target: Path, table: str = "cell_mediators") -> Path:
    """Write into *target* the package at *root* with the first row of *table* written twice, as an
    edit that was never rebuilt leaves it: the pre-check of the pandera layer fails, so validation
    runs pandera, which names the repeated key (the recorded hash, size and row count differ too)."""
    target.mkdir(parents=True)
    for part in PARTS:
        (shutil.copytree if (root / part).is_dir() else shutil.copy2)(root / part, target / part)
    path = DataPackage(target).table_path(table)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines, lines[1]]))
    return target
