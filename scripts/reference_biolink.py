"""Write reference/ontologies/biolink_categories.tsv: the categories a Biolink node can take (the
classes of the Biolink Model that are neither mixins nor abstract), read from the ``biolink-model``
package (``pip install biolink-model==4.4.6``; its YAML needs PyYAML).

    python scripts/reference_biolink.py

The table has the columns of the other verified tables (curie, label, exact_synonyms, source,
note). Validation checks every ``biolinkCategory`` of the Table Schemas against it, as it checks
the predicates against biolink.tsv. Run it again only to move to another Biolink release.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "reference" / "ontologies" / "biolink_categories.tsv"
SCHEMA = "biolink_model/schema/biolink_model.yaml"


def curie(name: str) -> str:
    """Biolink's class CURIE: each word's first letter upper-cased, spaces removed (``disease or
    phenotypic feature`` -> ``biolink:DiseaseOrPhenotypicFeature``)."""
    return "biolink:" + "".join(word[:1].upper() + word[1:] for word in name.split())


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
