"""Write reference/ontologies/biolink_categories.tsv: the categories a Biolink node can take (the
classes of the Biolink Model that are neither mixins nor abstract), read from the ``biolink-model``
package (``pip install biolink-model==4.4.6``; its YAML needs PyYAML); and
src/painimmune/export/biolink_model.json, the part of the same model the KGX export needs at run
time without the package: every class with its parent, its mixins and its preferred identifier
prefixes (``id_prefixes``), whether it may be a node category, and every predicate (the slots under
``related to``) with its parent, mixins, domain and range, and the qualifier slots.

    python scripts/reference_biolink.py

The table has the columns of the other verified tables (curie, label, exact_synonyms, source,
note). Validation checks every ``biolinkCategory`` of the Table Schemas against it, as it checks
the predicates against biolink.tsv. Run it again only to move to another Biolink release.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "reference" / "ontologies" / "biolink_categories.tsv"
SCHEMA = "biolink_model/schema/biolink_model.yaml"
EXPORT_MODEL = ROOT / "src" / "painimmune" / "export" / "biolink_model.json"


def curie(name: str) -> str:
    """Biolink's class CURIE: each word's first letter upper-cased, spaces removed (``disease or
    phenotypic feature`` -> ``biolink:DiseaseOrPhenotypicFeature``)."""
    return "biolink:" + "".join(word[:1].upper() + word[1:] for word in name.split())


def predicate_curie(name: str) -> str:
    """Biolink's slot CURIE: spaces become underscores (``related to`` -> ``biolink:related_to``)."""
    return "biolink:" + name.replace(" ", "_")


def is_predicate(slots: dict, name: str) -> bool:
    """Whether the slot *name* descends from ``related to`` (the predicate hierarchy)."""
    seen = set()
    while name and name not in seen:
        if name == "related to":
            return True
        seen.add(name)
        name = (slots.get(name) or {}).get("is_a")
    return False


def export_model(model: dict, version: str) -> dict:
    """The Biolink terms the KGX export checks against and chooses node identifiers by."""
    classes = {}
    for name, definition in sorted(model["classes"].items()):
        definition = definition or {}
        classes[curie(name)] = {"is_a": curie(definition["is_a"]) if definition.get("is_a") else None,
                                "mixins": [curie(mixin) for mixin in definition.get("mixins") or []],
                                "category": not (definition.get("mixin") or definition.get("abstract")),
                                "id_prefixes": list(dict.fromkeys(definition.get("id_prefixes") or []))}
    slots = model["slots"]
    predicates = {}
    for name in sorted(slots):
        if not is_predicate(slots, name):
            continue
        slot = slots[name] or {}
        predicates[predicate_curie(name)] = {
            "is_a": predicate_curie(slot["is_a"]) if slot.get("is_a") else None,
            "mixins": [predicate_curie(mixin) for mixin in slot.get("mixins") or []],
            "domain": curie(slot["domain"]) if slot.get("domain") else None,
            "range": curie(slot["range"]) if slot.get("range") else None}
    qualifiers = sorted(predicate_curie(name) for name in slots if is_qualifier(slots, name))
    return {"version": version, "source": f"biolink-model=={version}:{SCHEMA}", "classes": classes, "predicates": predicates,
            "qualifiers": qualifiers, "canonical_inverses": canonical_inverses(slots)}


def is_qualifier(slots: dict, name: str) -> bool:
    """Whether the slot *name* descends from ``qualifier`` (the slots that qualify an edge)."""
    seen = set()
    while name and name not in seen:
        if name in ("qualifier", "qualifiers"):
            return True
        seen.add(name)
        name = (slots.get(name) or {}).get("is_a")
    return False


def canonical_inverses(slots: dict) -> dict[str, str]:
    """Each predicate that is not canonical but whose ``inverse`` is (``canonical_predicate``), with
    that inverse: ``biolink:affected_by`` -> ``biolink:affects``. Biolink asks for statements in the
    canonical direction."""
    def canonical(name: str) -> bool:
        return ((slots.get(name) or {}).get("annotations") or {}).get("canonical_predicate") in (True, "true")

    return {predicate_curie(name): predicate_curie(slot["inverse"]) for name, slot in sorted(slots.items())
            if slot and slot.get("inverse") and is_predicate(slots, name) and not canonical(name) and canonical(slot["inverse"])}


def main() -> int:
    spec = importlib.util.find_spec("biolink_model")
    if spec is None or not spec.submodule_search_locations:
        print("reference_biolink: pip install biolink-model first", file=sys.stderr)
        return 1
    version = importlib.metadata.version("biolink-model")
    model = yaml.safe_load((Path(list(spec.submodule_search_locations)[0]) / "schema" / "biolink_model.yaml").read_text(encoding="utf-8"))
    rows = []
    for name, definition in sorted(model["classes"].items()):
        definition = definition or {}
        if definition.get("mixin") or definition.get("abstract"):
            continue
        note = f"biolink-model {version}; is_a={definition.get('is_a', '')}"
        rows.append([curie(name), name, "", f"biolink-model=={version}:{SCHEMA}", note])
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["curie", "label", "exact_synonyms", "source", "note"])
        writer.writerows(rows)
    print(f"wrote: {TARGET.relative_to(ROOT)} ({len(rows)} classes)")
    EXPORT_MODEL.write_text(json.dumps(export_model(model, version), indent=1) + "\n", encoding="utf-8")
    print(f"wrote: {EXPORT_MODEL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
