"""What each page of the website shows, as plain data: read-only views over the loaded tables.

Nothing here builds HTML: every function returns dicts and lists that a template renders. Page
addresses are made here too (:func:`entity_url` and friends), so that a link and the page it points
to are named by one function. Every page but the home page lies one folder deep, so a link from
any page to another is ``../<folder>/<name>.html``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from painimmune import escape
from painimmune.citations import CITED_REFERENCE, Release, apa, citation, release
from painimmune.entities import Assertion, EntityRef, Knowledge, context_words, describe, phrases, said, summary_row
from painimmune.errors import DataError, IntegrityError
from painimmune.language.phrases import statement
from painimmune.language.text import span
from painimmune.loader import load
from painimmune.package.descriptor import DataPackage, web_address
from painimmune.package.schemas import (
    assertion_columns,
    entity_labels,
    foreign_keys,
    mapping_columns,
    mapping_curies,
    primary_key,
    reading_order,
    related_columns,
)
from painimmune.site import neighbourhood
from painimmune.site.spans import Mark, Piece, find_mention, pieces
from painimmune.summaries import summary

# Every cross-reference is linked through Bioregistry's resolver, which knows every prefix the
# tables use (reference/ontologies/prefixes.tsv names each prefix's Bioregistry record) and
# redirects to the authority's own page of the term.
RESOLVER = "https://bioregistry.io/"
MAPPING_WORDS = {"skos:exactMatch": "exact match", "skos:closeMatch": "close match", "skos:broadMatch": "broader term",
                 "skos:narrowMatch": "narrower term", "skos:relatedMatch": "related term",
                 "biolink:gene_product_of": "the gene that encodes it"}
# Columns an entity page shows in their own places rather than in its list of attributes.
SHOWN_APART = {"id", "name", "synonyms", "mentions", "description", "note"}
NOT_ENCODED = "not_encoded"
# Where a cited reference's identifiers are looked up.
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
PMC = "https://www.ncbi.nlm.nih.gov/pmc/articles/"
DOI = "https://doi.org/"
LADDER_URL = "about/rubric.html"  # the evidence ladder: every level, its rule and its plain words
DIRECTION_WORDS = {"supports": "the source states that this holds",
                   "refutes": "the source reports that this does not hold"}


def entity_url(table: str, entity_id: str) -> str:
    """The page of one entity, relative to the site root."""
    return f"{table}/{entity_id}.html"


def row_url(row_id: str) -> str:
    """The page of one relationship row."""
    return f"rows/{row_id}.html"


def source_url(source_id: str) -> str:
    """The page of one source document."""
    return f"sources/{source_id}.html"


def table_url(table: str) -> str:
    """The page listing every row of one table."""
    return f"tables/{table}.html"


def level_url(level_id: str) -> str:
    """The page of one evidence level."""
    return f"evidence/{level_id}.html"


def resolver_url(curie: str) -> str:
    """Where a cross-reference is looked up."""
    return RESOLVER + quote(curie, safe=":")


@dataclass
class Data:
    """Every table of the package, loaded once, and the views the pages share."""

    package: DataPackage
    frames: dict[str, pd.DataFrame]
    knowledge: Knowledge
    texts: dict[str, str]

    @classmethod
    def of(cls, package: DataPackage, include_source_texts: bool = False) -> Data:
        """Load every table of *package*; with *include_source_texts*, also the text of each source
        document (third-party works: only for a site that is never published).

        Raises:
            DataError: *include_source_texts* is asked of a copy without the texts (only a checkout has them).
        """
        frames = {name: load(name, package.root) for name in package.table_names}
        texts = _texts(package, frames["sources"]) if include_source_texts else {}
        return cls(package, frames, Knowledge.of(package), texts)

    @cached_property
    def names(self) -> dict[tuple[str, str], str]:
        """The name of every entity, by (table, id)."""
        return {key: entity["name"] for key, entity in self.knowledge.names.entities.items()}

    @cached_property
    def levels(self) -> pd.DataFrame:
        """The evidence levels, strongest first (sorted once: every assertion card asks for it)."""
        return self.frames["evidence_levels"].sort_values("rank")

    @cached_property
    def source_labels(self) -> dict[str, str]:
        """A short name of each source: first author (or the site), year and type."""
        labels = {}
        for row in self.frames["sources"].itertuples(index=False):
            authors = [author.split()[0] for author in row.authors]
            who = {0: _cell(row.container) or _cell(row.title), 1: authors[0] if authors else "",
                   2: " & ".join(authors[:2])}.get(len(authors), f"{authors[0]} et al." if authors else "")
            year = "" if pd.isna(row.year) else f", {int(row.year)}"
            labels[row.id] = f"{who}{year} · {row.type}"
        return labels

    @property
    def documents(self) -> pd.DataFrame:
        """The source documents: the rows of ``sources`` that are not references they cite."""
        sources = self.frames["sources"]
        return sources[sources["type"] != CITED_REFERENCE]

    @cached_property
    def plain_words(self) -> dict[str, str]:
        """What each evidence level means, in one line of plain words, by level id."""
        return {str(row.id): str(row.plain_words) for row in self.frames["evidence_levels"].itertuples()}

    @cached_property
    def release(self) -> Release:
        """The citable facts of the release (:func:`painimmune.citations.release`)."""
        return release(self.package.root)

    @cached_property
    def references(self) -> dict[str, dict[str, Any]]:
        """Every cited reference (a row of ``sources`` of type cited reference), as a card lists
        it, by id: see :func:`reference`."""
        sources = self.frames["sources"]
        return {row["id"]: reference(self, row) for row in sources[sources["type"] == CITED_REFERENCE].to_dict("records")}

    @cached_property
    def assertions(self) -> dict[str, Assertion]:
        """Every relationship row as :func:`painimmune.entities.describe` gives it (seen from its
        subject), by row id, in the order of the rows."""
        rows = self.knowledge.rows
        found: dict[str, Assertion] = {}
        for key in dict.fromkeys(zip(rows["subject_type"], rows["subject_id"], strict=True)):
            about = describe(self.knowledge.names.entities[key], self.knowledge)
            for group in about["sections"][0]["groups"]:
                found.update({item["row_id"]: item for item in group["assertions"] if item["role"] == "subject"})
        return {row_id: found[row_id] for row_id in rows["row_id"]}

    @cached_property
    def statements(self) -> dict[str, dict[str, str]]:
        """Every relationship row in words, by row id (:func:`row_statements`), worked out once."""
        return row_statements(self)

    def kind(self, table: str) -> str:
        """The singular noun of one entity table (``cell type``)."""
        return entity_labels(self.package.schema(table)).singular

    def plural(self, table: str) -> str:
        """The plural noun of one entity table (``cell types``)."""
        return entity_labels(self.package.schema(table)).plural


def _texts(package: DataPackage, sources: pd.DataFrame) -> dict[str, str]:
    """The text of every source document of the package (a checkout has them; a release does not),
    each checked against the sha256 its row records."""
    texts = {}
    for row in sources.itertuples(index=False):
        relative = f"sources/{row.id}.txt"
        if pd.isna(row.sha256):
            continue  # a cited reference: no text of its own
        if not (package.root / relative).exists():
            raise DataError(f"{relative}: no such file: the source texts are only in a checkout of the repository "
                            "(a release does not republish them); build the site without --include-source-texts")
        data = package.file(relative)
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise IntegrityError(f"{relative}: the text differs from the sha256 recorded in the sources table")
        texts[row.id] = data.decode("utf-8")
    return texts


def home(data: Data) -> dict[str, Any]:
    """The home page: the release, its citation, counts, the entity index and the evidence ladder."""
    descriptor = data.package.descriptor
    relationship_rows = sum(len(data.frames[name]) for name in data.package.relationship_tables)
    refuting = sum(int((data.frames[name]["direction"] == "refutes").sum()) for name in data.package.relationship_tables)
    documents = data.documents
    return {
        "title": descriptor.get("title", ""),
        "description": descriptor.get("description", ""),
        "version": data.package.version,
        "date": str(descriptor.get("created", ""))[:10],
        "licence": data.package.licence,
        "apa": citation("apa", data.package.root),
        "bibtex": citation("bibtex", data.package.root),
        "counts": [{"label": data.plural(name), "count": len(data.frames[name]), "url": table_url(name)}
                   for name in data.package.entity_tables]
        + [{"label": "assertions (relationship rows)", "count": relationship_rows, "url": "#tables"},
           {"label": "of them refuting", "count": refuting, "url": "#tables"},
           {"label": "source documents", "count": len(documents), "url": "#sources"}],
        "browse": [{"table": name, "label": data.plural(name).capitalize(), "url": table_url(name),
                    "entities": [{"name": row.name, "url": entity_url(name, row.id)}
                                 for row in data.frames[name].sort_values("name", key=lambda s: s.str.casefold()).itertuples()]}
                   for name in data.package.entity_tables],
        "sources": [{"title": row.title, "type": row.type, "url": source_url(row.id)} for row in documents.itertuples()],
        "ladder": ladder(data),
        "tables": tables_index(data),
    }


def ladder(data: Data) -> list[dict[str, Any]]:
    """The evidence levels, strongest first, with the number of rows graded at each."""
    graded = pd.concat([data.frames[name]["evidence_level_id"].astype(str) for name in data.package.relationship_tables])
    return [{"id": row.id, "rank": int(row.rank), "label": row.label, "definition": row.definition,
             "plain_words": row.plain_words, "rows": int((graded == row.id).sum()), "url": level_url(row.id)}
            for row in data.levels.itertuples()]


def tables_index(data: Data) -> list[dict[str, Any]]:
    """Every table with its title, role and row count."""
    return [{"name": name, "title": data.package.resource(name).get("title", name), "role": data.package.role(name),
             "rows": len(data.frames[name]), "url": table_url(name)} for name in data.package.table_names]


def entity(data: Data, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """One entity's page: its names, attributes, cross-references and every assertion about it."""
    schema = data.package.schema(table)
    titles = {field["name"]: field.get("title", field["name"]) for field in schema["fields"]}
    related = related_columns(schema)  # (a protein's gene: said as the gene that encodes it)
    mappings = {column: related.get(column, predicate) for column, predicate in mapping_columns(schema).items()}
    found = data.knowledge.names.entities[(table, row["id"])]
    about = describe(found, data.knowledge)
    for section in about["sections"]:
        for group in section["groups"]:
            for item in group["assertions"]:
                item.update(_assertion_view(data, item, section["kind"]))  # type: ignore[typeddict-item]
    direct = about["sections"][0]
    assertions = [item for group in direct["groups"] for item in group["assertions"]]
    shown = [item for section in about["sections"] for group in section["groups"] for item in group["assertions"]]
    return {
        "answer": _answer(about["sections"]),
        "picture": neighbourhood.svg(found["name"], _neighbours(assertions, (table, row["id"])), "../"),
        "levels_shown": sorted({(item["evidence_rank"], item["evidence_level_id"], item["evidence_level"]) for item in shown}),
        "sources_shown": sorted({(item["source_id"], source_label(data, item["source_id"])) for item in shown}),
        "csv": rows_csv_url(table, row["id"]),
        **found,
        "plural": data.plural(table),
        "description": _cell(row["description"]),
        "note": _cell(row["note"]),
        "mentions": list(row["mentions"]),
        "attributes": [{"label": titles[column], "value": _cell(row[column])} for column in titles
                       if column not in SHOWN_APART and column not in mappings and _cell(row[column])],
        "xrefs": [{"label": titles[column], "match": MAPPING_WORDS.get(predicate, predicate), "curie": curie,
                   "url": resolver_url(curie)}
                  for column, predicate in mappings.items() for curie in mapping_curies(row[column])],
        "sections": about["sections"],
        "profile": about["profile"],
        "supporting": sum(item["direction"] == "supports" for item in assertions),
        "refuting": [item for item in assertions if item["direction"] == "refutes"],
        "count": len(assertions),
    }


def rows_csv_url(table: str, entity_id: str) -> str:
    """The address of the CSV of the rows an entity's page shows."""
    return f"{table}/{quote(entity_id)}-rows.csv"


def _answer(sections: list[Any]) -> list[dict[str, Any]]:
    """What an entity page opens with: for each part of its answer (its own rows, the rows placed in
    it, ...), the profile line and the summary sentences of its groups, each linked to its rows."""
    parts = []
    for section in sections:
        prefix = "" if section["kind"] == "direct" else f"{section['kind']}-"
        sentences = [{"text": sentence["text"], "rows": [{"id": row, "anchor": prefix + row} for row in sentence["rows"]]}
                     for group in section["groups"] for sentence in group["summary"]]
        parts.append({"kind": section["kind"], "heading": section["heading"], "profile": section["profile_words"],
                      "sentences": sentences})
    return parts


def _neighbours(assertions: list[Any], entity: tuple[str, str]) -> list[neighbourhood.Neighbour]:
    """The entities the entity's own rows relate it to, strongest first, each once."""
    found: dict[tuple[str, str], neighbourhood.Neighbour] = {}
    for item in sorted(assertions, key=lambda item: item["evidence_rank"]):
        other = item["object"] if (item["subject"]["table"], item["subject"]["id"]) == entity else item["subject"]
        key = (other["table"], other["id"])
        if key not in found:
            found[key] = neighbourhood.Neighbour(other["name"], entity_url(*key), item["relation"], item["direction"] == "refutes")
    return list(found.values())


def _assertion_view(data: Data, item: Any, section: str) -> dict[str, Any]:
    """What an assertion card shows beyond :func:`painimmune.entities.describe`: both ends and the
    examples linked, the context in words, the quote cut into pieces with the mentions marked, the
    level's place on the ladder, and an anchor unique on the page (a row may show in two sections)."""
    def linked(ref: Any) -> dict[str, str]:
        return {**ref, "url": entity_url(ref["table"], ref["id"])}

    return {
        "anchor": item["row_id"] if section == "direct" else f"{section}-{item['row_id']}",
        "home_url": f"{entity_url(item['subject']['table'], item['subject']['id'])}#{item['row_id']}",
        "subject": linked(item["subject"]), "object": linked(item["object"]),
        "examples": [{"role": role, "entities": [linked(ref) for ref in item[f"{role}_examples"]]}
                     for role in ("subject", "object") if item[f"{role}_examples"]],
        "where": context_words(item["qualifiers"]),
        "quote_pieces": quote_pieces(item["quote"], item["subject_mention"], item["object_mention"], item["antecedent"]),
        "level_url": level_url(item["evidence_level_id"]),
        "plain_words": data.plain_words.get(item["evidence_level_id"], ""),
        "ladder_url": LADDER_URL,
        "levels": len(data.levels),
        "url": row_url(item["row_id"]),
        "refs": [data.references[ref] for ref in item["cited_refs"] if ref in data.references],
        "source_url": f"{source_url(item['source_id'])}#q-{item['row_id']}",
        "source_label": source_label(data, item["source_id"]),
    }


def quote_pieces(quote: str, subject_mention: str, object_mention: str, antecedent: dict[str, str]) -> list[Piece]:
    """*quote* cut into pieces, with the words naming the subject and the object marked (a mention
    that is an antecedent outside the quote is not marked inside it)."""
    marks = []
    for role, mention in (("subject", subject_mention), ("object", object_mention)):
        found = None if role in antecedent else find_mention(str(mention), quote)
        if found:
            marks.append(Mark(found[0], found[1], role, role))
    return pieces(quote, marks)


def row(data: Data, item: Assertion) -> dict[str, Any]:
    """One relationship row's page: its statement, its quote (only the quote, never the text around
    it: where it lies is said instead), its context, examples, cited references, evidence level in
    plain words, direction, the release, and how to cite the row."""
    view: dict[str, Any] = {**item, **_assertion_view(data, item, "direct")}
    text = data.texts.get(item["source_id"])
    row_id = item["row_id"]
    start = int(data.knowledge.rows.set_index("row_id").at[row_id, "quote_start"])
    start, end = _place(text, item["quote"], start)
    sources = data.frames["sources"].set_index("id")
    facts = data.release
    return {
        **view,
        "title": item["statement"],
        "direction_words": DIRECTION_WORDS.get(item["direction"], item["direction"]),
        "in_words": _reported(data, item),
        "source_title": _cell(sources.at[item["source_id"], "title"]) or item["source_id"],
        "place": {"first": f"{start + 1:,}", "last": f"{end:,}",
                  # whether the quote's paragraph (a line of the text) goes on before or after it
                  "before": text is not None and start > 0 and text[start - 1] not in "\n",
                  "after": text is not None and end < len(text) and text[end] not in "\n"},
        "table_url": f"{table_url(item['table'])}#{row_id}",
        "release": {"version": facts.version, "date": facts.date},
        "apa": row_apa(facts, row_id),
        "bibtex": row_bibtex(facts, row_id, item["table"]),
    }


def _reported(data: Data, item: Assertion) -> str:
    """The row as :mod:`painimmune.summaries` says it: the kind of source, how its level says the
    source states it, and the statement (``One peer-reviewed review states, without citing a study,
    that ...``): never stronger than the quote."""
    if item["relation"] not in data.knowledge.relations.index:
        return ""
    return summary([summary_row(item, data.knowledge)], data.knowledge.levels)[0]["text"]


def row_apa(facts: Release, row_id: str) -> str:
    """The APA reference of one row: the release's (:func:`painimmune.citations.apa`), naming the row."""
    dataset = apa(facts).splitlines()[0].removesuffix(".")
    return f"{dataset}, relationship row {row_id} (release {facts.version} of {facts.date})."


def row_bibtex(facts: Release, row_id: str, table: str) -> str:
    """The BibTeX entry of one row: the release's ``@misc`` naming the row, every value escaped
    (:func:`painimmune.escape.bibtex`)."""
    key = re.sub(r"[^A-Za-z0-9_.:-]", "_", f"painimmune_{facts.version.replace('.', '_')}_{row_id}")  # citations.BIBTEX_KEY
    fields = [
        ("author", "{" + " and ".join("{" + escape.bibtex(creator) + "}" for creator in facts.creators) + "}"),
        ("title", "{{" + escape.bibtex(f"{facts.title}, relationship row {row_id}") + "}}"),
        ("year", "{" + escape.bibtex(facts.year) + "}"),
        ("version", "{" + escape.bibtex(facts.version) + "}"),
        ("note", "{" + escape.bibtex(f"Data set, version {facts.version}, released {facts.date}; "
                                      f"row {row_id} of the table {table}") + "}"),
    ]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def reference(data: Data, row: dict[str, Any]) -> dict[str, Any]:
    """A cited reference as a card lists it: a label (its verified title, or its number in the
    source's list), and a link for each identifier it has: PubMed, PubMed Central, DOI. Without
    any, the web address the source cites, if recorded."""
    number = _cell(row["reference_number"])
    place = f"reference [{number}] in the source's list" if number else "a reference in the source's list"
    title = _cell(row["title"])
    year = "" if pd.isna(row["year"]) else f" ({int(row['year'])})"
    links = []
    if _cell(row["pmid"]):
        links.append({"label": f"PubMed {row['pmid']}", "url": f"{PUBMED}{quote(str(row['pmid']))}/"})
    if _cell(row["pmcid"]):
        links.append({"label": f"PubMed Central {row['pmcid']}", "url": f"{PMC}{quote(str(row['pmcid']))}/"})
    if _cell(row["doi"]):
        links.append({"label": f"DOI {row['doi']}", "url": DOI + quote(str(row["doi"]), safe="/:;()[]")})
    if not links and web_address(row["url"]):
        links.append({"label": "web page as cited", "url": web_address(row["url"])})
    return {"id": row["id"], "label": f"{title}{year}, {place}" if title else place.capitalize(), "links": links}


def source_label(data: Data, source_id: str) -> str:
    """A short name of a source for an assertion card: first author or site, year, and type."""
    return data.source_labels[source_id]


def source(data: Data, row: dict[str, Any]) -> dict[str, Any]:
    """One source document's page: its bibliographic record, the references it cites, and what the
    rows quote, in the order of the text, with the gaps between the quotes stated as a number of
    characters and each passage not encoded as its opening, kind and reason (``excerpts``); or, when
    the site includes the source texts, the text with every quote and passage marked (``pieces``)."""
    schema = data.package.schema("sources")
    record = [{"label": field.get("title", field["name"]), "value": _cell(row[field["name"]]), "name": field["name"],
               "url": web_address(row[field["name"]]) if field["name"] == "url" else ""}
              for field in schema["fields"] if field["name"] not in {"id", "title", "note"} and _cell(row[field["name"]])]
    sources = data.frames["sources"]
    cited = sources[sources["cited_by"] == row["id"]].sort_values("reference_number")
    quotes = _quoted_spans(data, row["id"])
    skipped = _skipped_spans(data, row["id"])
    text = data.texts.get(row["id"])
    return {
        "id": row["id"], "title": _cell(row["title"]) or row["id"], "type": row["type"], "note": _cell(row["note"]),
        "record": record,
        "cited": [{"number": _cell(ref["reference_number"]), "title": _cell(ref["title"]), "url": web_address(ref["url"]),
                   "pmid": _cell(ref["pmid"]), "note": _cell(ref["note"])} for ref in cited.to_dict("records")],
        "has_text": text is not None,
        "pieces": pieces(text, quotes + skipped) if text is not None else [],
        "excerpts": [] if text is not None else excerpts(quotes + skipped),
        "quoted_rows": len({row["id"] for mark in quotes for row in mark.data["rows"]}),
        "skipped": len(skipped),
    }


def _quoted_spans(data: Data, source_id: str) -> list[Mark]:
    """One mark per distinct quoted span of a source, with the rows that quote it."""
    rows = data.knowledge.rows[data.knowledge.rows["source_id"] == source_id]
    text = data.texts.get(source_id)
    spans: dict[tuple[int, int], list[dict[str, str]]] = {}
    quotes: dict[tuple[int, int], str] = {}
    for row in rows.itertuples(index=False):
        place = _place(text, row.quote, int(row.quote_start))
        quotes[place] = row.quote
        spans.setdefault(place, []).append({"id": row.row_id, "url": f"{entity_url(row.subject_type, row.subject_id)}#{row.row_id}",
                                            "direction": row.direction})
    return [Mark(start, end, "quoted", f"q{start}-{end}",
                 {"rows": spans[(start, end)], "quote": quotes[(start, end)], "anchors": [item["id"] for item in spans[(start, end)]]})
            for start, end in sorted(spans)]


def _skipped_spans(data: Data, source_id: str) -> list[Mark]:
    """One mark per passage of ``not_encoded`` in a source (its recorded place and length), with its
    kind, reason and opening."""
    frame = data.frames[NOT_ENCODED]
    marks = []
    for row in frame[frame["source_id"] == source_id].itertuples(index=False):
        start = int(row.quote_start)
        marks.append(Mark(start, start + int(row.length), "skipped", row.id,
                          {"id": row.id, "kind": row.kind, "reason": row.reason, "opening": row.opening, "length": int(row.length)}))
    return marks


def excerpts(marks: list[Mark]) -> list[Mark]:
    """*marks* (quoted spans and passages not encoded) in the order of the text, with a ``gap`` mark
    (its ``length`` in its data) wherever characters lie before a mark that no earlier mark covers:
    what a page shows instead of the text.

    >>> [(m.kind, m.data.get("length")) for m in excerpts([Mark(10, 20, "quoted", "a"), Mark(15, 30, "quoted", "b")])]
    [('gap', 10), ('quoted', None), ('quoted', None)]
    """
    result = []
    reach = 0
    for mark in sorted(marks, key=lambda mark: (mark.start, mark.kind)):
        if mark.start > reach:
            result.append(Mark(reach, mark.start, "gap", f"gap{reach}", {"length": mark.start - reach}))
        result.append(mark)
        reach = max(reach, mark.end)
    return result


def _place(text: str | None, quote: str, start: int) -> tuple[int, int]:
    """Where *quote* lies in *text* (validated: it begins at *start*); without the text, its
    recorded start and its own length, which order the excerpts the same way."""
    found = span(quote, text, start) if text is not None else None
    return found or (start, start + len(quote))


def row_statements(data: Data) -> dict[str, dict[str, str]]:
    """Every relationship row in words, by row id: its ``statement`` (the relation's phrase, or its
    negated phrase when the row refutes, with both ends named as a sentence names them) and
    ``relation_words``, the statement between the subject's and the object's names (``do not
    reduce``), which a table row reads as a sentence across its subject, relation and object."""
    knowledge = data.knowledge
    result = {}
    for row in knowledge.rows.itertuples(index=False):
        ends = []
        for table, entity in ((row.subject_type, row.subject_id), (row.object_type, row.object_id)):
            ends.append(said(EntityRef(table=table, id=entity, name=data.names.get((table, entity), entity)), knowledge))
        phrase, negated = phrases(row.relation, "" if pd.isna(row.modal_verb) else str(row.modal_verb), knowledge)
        words = statement(negated if row.direction == "refutes" else phrase, ends[0], ends[1])
        middle = words
        if words.startswith(ends[0]) and words.endswith(ends[1]) and len(words) > len(ends[0]) + len(ends[1]):
            middle = words[len(ends[0]):len(words) - len(ends[1])].strip()
        result[row.row_id] = {"statement": words, "relation_words": middle}
    return result


def table(data: Data, name: str) -> dict[str, Any]:
    """A table's page: every row, every column, with entity ids linked to their pages.

    A relationship table leads with the row as a sentence (subject, relation in the words of its
    statement, object), its quote and its evidence level, then the other columns; an entity table
    with the name, then the id. Each cell may carry ``sort``, the key a column sorts by when its
    words do not (an evidence level sorts by rank); the page's script sorts and filters the rows.
    """
    schema = data.package.schema(name)
    links = {column: resource for column, resource, _ in foreign_keys(schema) if resource in data.package.entity_tables}
    names = data.names
    levels = data.frames["evidence_levels"].set_index("id")
    role = data.package.role(name)
    frame = data.frames[name]
    fields = _table_order(schema, role)
    statements = data.statements if role == "relationship" else {}
    predicate = assertion_columns(schema).predicate if role == "relationship" else ""
    rows = []
    for row in frame.to_dict("records"):
        cells = []
        for field in fields:
            column = field["name"]
            value = _cell(row[column])
            url = sort = ""
            if column in links and value:
                url = entity_url(links[column], value)
                value = names.get((links[column], value), value)
            elif column in {"id", "name"} and role == "entity":
                url = entity_url(name, row["id"])
            elif column == "id" and name == "sources" and row["type"] != CITED_REFERENCE:
                url = source_url(value)
            elif column == "source_id" and value:
                url = source_url(value)
            elif column == "evidence_level_id" and value:
                url = level_url(value)
                sort = str(int(levels.at[value, "rank"])) if value in levels.index else ""
                value = str(levels.at[value, "label"]) if value in levels.index else value
            elif column == predicate and row.get("id") in statements:
                value = statements[row["id"]]["relation_words"]
            cells.append({"value": value, "url": url, "column": column, "sort": sort})
        rows.append({"key": "-".join(str(row[column]) for column in primary_key(schema)), "cells": cells,
                     "refutes": role == "relationship" and row.get("direction") == "refutes",
                     "level": _cell(row.get("evidence_level_id")) if role == "relationship" else ""})
    graded = {row["level"] for row in rows if row["level"]}
    return {"name": name, "title": data.package.resource(name).get("title", name),
            "description": data.package.resource(name).get("description", ""), "role": role,
            "columns": [{"name": field["name"], "title": "Relation (in words)" if field["name"] == predicate
                         else field.get("title", field["name"])} for field in fields],
            "levels": [{"id": level.id, "label": level.label, "rank": int(level.rank)}
                       for level in data.levels.itertuples() if level.id in graded],
            "rows": rows}


def _table_order(schema: Any, role: str) -> list[Any]:
    """The columns of a table's page in the order it shows them (see :func:`table`)."""
    fields = reading_order(schema)
    if role == "entity":
        first = ["name", "id"]
    elif role == "relationship":
        roles = assertion_columns(schema)
        first = [roles.subject, roles.predicate, *roles.objects, "quote", "evidence_level_id", "direction"]
    else:
        return fields
    by_name = {field["name"]: field for field in fields}
    return [by_name[column] for column in first if column in by_name] + [field for field in fields if field["name"] not in first]


def level(data: Data, row: dict[str, Any]) -> dict[str, Any]:
    """An evidence level's page: its definition, decision rule, cues, mapping and every row graded at it."""
    graded = data.knowledge.rows[data.knowledge.rows["evidence_level_id"] == row["id"]]
    names = data.names
    return {
        "id": row["id"], "label": row["label"], "rank": int(row["rank"]), "levels": len(data.levels),
        "definition": row["definition"], "plain_words": row["plain_words"], "ladder_url": LADDER_URL,
        "decision_rule": row["decision_rule"], "cue_phrases": list(row["cue_phrases"]),
        "study_kinds": _cell(row["study_kinds"]), "examples": _cell(row["examples"]),
        "eco": {"id": row["eco_id"], "label": _cell(row["eco_label"]), "mapping": _cell(row["eco_mapping"]),
                "url": resolver_url(row["eco_id"])} if _cell(row["eco_id"]) else None,
        "clinical_grading": _cell(row["clinical_grading"]),
        "rows": [{"id": item.row_id, "direction": item.direction, "quote": item.quote,
                  "statement": data.assertions[item.row_id]["statement"], "row_url": row_url(item.row_id),
                  "subject": {"name": names[(item.subject_type, item.subject_id)], "url": entity_url(item.subject_type, item.subject_id)},
                  "relation": item.relation,
                  "object": {"name": names[(item.object_type, item.object_id)], "url": entity_url(item.object_type, item.object_id)},
                  "url": f"{entity_url(item.subject_type, item.subject_id)}#{item.row_id}", "source_id": item.source_id}
                 for item in graded.sort_values("row_id").itertuples(index=False)],
    }


def rubric(data: Data) -> dict[str, Any]:
    """The rubric: the evidence levels in the order their decision rules are tried, and the directions."""
    levels = data.frames["evidence_levels"].sort_values("decision_order")
    return {
        "levels": [{"id": row.id, "label": row.label, "rank": int(row.rank), "order": int(row.decision_order),
                    "definition": row.definition, "plain_words": row.plain_words, "decision_rule": row.decision_rule,
                    "cue_phrases": list(row.cue_phrases),
                    "url": level_url(row.id)} for row in levels.itertuples()],
        "directions": [{"id": row.id, "label": row.label, "definition": row.definition, "decision_rule": row.decision_rule,
                        "cue_phrases": list(row.cue_phrases), "examples": _cell(row.examples)}
                       for row in data.frames["directions"].itertuples()],
    }


def dictionary(data: Data) -> list[dict[str, Any]]:
    """The data dictionary: every table and every column, from the Table Schemas."""
    result = []
    for name in data.package.table_names:
        schema = data.package.schema(name)
        keys = primary_key(schema)
        result.append({
            "name": name, "title": data.package.resource(name).get("title", name), "role": data.package.role(name),
            "description": data.package.resource(name).get("description", ""), "url": table_url(name),
            "foreign_keys": [{"column": column, "resource": resource, "field": field} for column, resource, field in foreign_keys(schema)],
            "fields": [{"name": field["name"], "title": field.get("title", ""), "type": field.get("type", "any"),
                        "key": field["name"] in keys, "required": bool(field.get("constraints", {}).get("required")),
                        "enum": field.get("constraints", {}).get("enum", []), "pattern": field.get("constraints", {}).get("pattern", ""),
                        "description": field.get("description", "")} for field in schema["fields"]],
        })
    return result


def _cell(value: Any) -> str:
    """A cell as words: lists joined by '; ', booleans as yes/no, missing as empty."""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    return str(value)
