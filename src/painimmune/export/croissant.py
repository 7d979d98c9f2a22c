"""Croissant 1.1 metadata (JSON-LD, schema.org ``Dataset``): ``croissant.json``.

Dataset search engines read its schema.org properties; ML dataset tooling (``mlcroissant``) loads
each table as a record set. One ``cr:FileObject`` per table (its CSV, with the sha256 the descriptor
records) and one ``cr:RecordSet`` per table, whose fields are the Table Schema's columns with their
descriptions and types, its primary key as ``key`` and its single-column foreign keys into other
tables as ``references``. List columns are text, split on their delimiter by the reader. The build writes
``croissant.json`` into the package root, and the data zip carries it; content URLs are relative to
that file.
"""

from __future__ import annotations

from typing import Any

from painimmune.citations import bibtex, release
from painimmune.export.namespace import BASE_IRI
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import foreign_keys, primary_key

FILE = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
# The Croissant 1.1 JSON-LD context (as mlcroissant 1.1 writes it, ``name`` and ``description``
# plain strings in the dataset's language).
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
DATA_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean", "date": "sc:Date",
              "list": "sc:Text"}


def croissant(package: DataPackage) -> dict[str, Any]:
    """The Croissant 1.1 JSON-LD document of *package* (see the module docstring)."""
    descriptor = package.descriptor
    facts = release(package.root, verify=False)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": descriptor["name"],
        "alternateName": descriptor.get("title", descriptor["name"]),
        "description": descriptor.get("description", ""),
        "version": package.version,
        "datePublished": str(descriptor.get("created", ""))[:10],
        "license": [package.licence.url or package.licence.name],
        "url": BASE_IRI,
        "keywords": list(descriptor.get("keywords", [])),
        "creator": [{"@type": "sc:Organization", "name": name} for name in package.creators],
        "citeAs": bibtex(facts),
        "isBasedOn": package.web_sources,
        "distribution": [_file_object(package, name) for name in package.table_names],
        "recordSet": [_record_set(package, name) for name in package.table_names],
    }
    return document


def _file_object(package: DataPackage, name: str) -> dict[str, Any]:
    resource = package.resource(name)
    algorithm, _, digest = str(resource.get("hash", "")).rpartition(":")
    item = {"@type": "cr:FileObject", "@id": f"{name}.csv", "name": f"{name}.csv", "contentUrl": resource["path"],
            "encodingFormat": "text/csv"}
    if algorithm == "sha256":
        item["sha256"] = digest
    return item


def _record_set(package: DataPackage, name: str) -> dict[str, Any]:
    schema = package.schema(name)
    # A key into the table itself (a cited reference's cited_by) is left out: Croissant readers
    # order record sets by their references, and a table cannot come before itself.
    references = {column: (table, target) for column, table, target in foreign_keys(schema) if table != name}
    fields = []
    for field in schema["fields"]:
        item: dict[str, Any] = {
            "@type": "cr:Field", "@id": f"{name}/{field['name']}", "name": field["name"],
            "description": field.get("description", field.get("title", "")), "dataType": DATA_TYPES.get(field.get("type", "string"), "sc:Text"),
            "source": {"fileObject": {"@id": f"{name}.csv"}, "extract": {"column": field["name"]}},
        }
        if field["name"] in references:
            table, target = references[field["name"]]
            item["references"] = {"field": {"@id": f"{table}/{target}"}}
        fields.append(item)
    resource = package.resource(name)
    record_set: dict[str, Any] = {"@type": "cr:RecordSet", "@id": name, "name": name,
                                  "description": resource.get("description", resource.get("title", name)), "field": fields}
    key = primary_key(schema)
    if key:
        record_set["key"] = [{"@id": f"{name}/{column}"} for column in key]
    return record_set
