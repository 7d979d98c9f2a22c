"""Compare painimmune's CURIE prefix handling with the ``curies`` library's Bioregistry converter,
and write benchmarks/prefixes.md.

    python benchmarks/prefixes.py --libs /tmp/libsvenv/lib/python3.11/site-packages

``curies`` and ``bioregistry`` are not dependencies of painimmune: install them into a scratch
environment (``/tmp/libsvenv/bin/pip install curies bioregistry``) and name its site-packages with
``--libs`` (appended to ``sys.path``, after the project's own packages). The converter is built
offline from the installed ``bioregistry`` package (``curies.get_bioregistry_converter(web=False)``);
``web=True`` fetches the registry from GitHub, which this machine cannot reach.

painimmune expands a CURIE in two places:

- **site**: :func:`painimmune.site.content.resolver_url` links every cross-reference as
  ``https://bioregistry.io/<CURIE>`` (Bioregistry's resolver redirects to the authority's page);
- **SSSOM export**: :data:`painimmune.export.namespace.PREFIXES` declares a URI prefix for each
  prefix the mapping file writes.

For every CURIE in the tables this checks that the converter knows its prefix as written (and which
Bioregistry prefix it maps to, against ``reference/ontologies/prefixes.tsv``), compares the
converter's URI with the SSSOM export's, and says where Bioregistry's resolver sends the site's link
(``bioregistry.get_iri``, offline).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from painimmune.export.namespace import PREFIXES  # noqa: E402
from painimmune.site.content import resolver_url  # noqa: E402

CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.]*):(\S+)$")
NOT_CROSS_REFERENCES = {"painimmune", "skos", "semapv", "http", "https", "infores"}


def table_curies() -> dict[str, set[str]]:
    """Every CURIE in the tables, with the table.column cells it occurs in."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tables").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    for piece in (value or "").split("|"):
                        match = CURIE.match(piece.strip())
                        if match and match.group(1) not in NOT_CROSS_REFERENCES and " " not in piece.strip():
                            found.setdefault(piece.strip(), set()).add(f"{path.stem}.{column}")
    return found


def prefix_records() -> dict[str, dict[str, str]]:
    with (ROOT / "reference/ontologies/prefixes.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["prefix"]: row for row in csv.DictReader(handle, delimiter="\t")}


def run() -> str:
    import bioregistry
    import curies
    converter = curies.get_bioregistry_converter(web=False)
    records = prefix_records()
    found = {c: places for c, places in table_curies().items()
             if c.split(':')[0] in records or bioregistry.normalize_prefix(c.split(':')[0])}
    columns = Counter(column for places in found.values() for column in places)
    lines = ["# CURIE prefixes: painimmune's against the `curies` library", "",
             f"Written by `python benchmarks/prefixes.py` (see its docstring for the method), with curies "
             f"{metadata.version('curies')} and bioregistry {metadata.version('bioregistry')} "
             "(the version reference/ontologies/prefixes.tsv was taken from: 0.15.6). The converter is built offline "
             "from the installed bioregistry package; `curies.get_bioregistry_converter()` with its default `web=True` "
             "fetches bioregistry.json from GitHub and fails here (no network but the package registry).", "",
             f"{len(found)} CURIEs in {len(columns)} columns of the tables, "
             f"{len({c.split(':')[0] for c in found})} prefixes.", "", RESULT, "",
             "## Prefixes", "",
             "| prefix | CURIEs | in prefixes.tsv | prefixes.tsv's Bioregistry prefix | converter's prefix | same | "
             "SSSOM export URI prefix | converter's URI prefix | same |", "|---|---|---|---|---|---|---|---|---|"]
    by_prefix = Counter(c.split(":")[0] for c in found)
    for prefix, n in sorted(by_prefix.items()):
        record = records.get(prefix)
        theirs = converter.standardize_prefix(prefix)
        ours = record["bioregistry_prefix"] if record else ""
        canonical = bioregistry.normalize_prefix(prefix) or ""
        export = PREFIXES.get(prefix, "")
        uri = converter.prefix_map.get(theirs, "") if theirs else ""
        lines.append(f"| {prefix} | {n} | {'yes' if record else 'no'} | {ours} | {theirs or '(unknown)'} | "
                     f"{'yes' if canonical == ours else 'no'} | {export or '—'} | {uri or '—'} | "
                     f"{('yes' if export == uri else 'no') if export else '—'} |")
    lines += ["", "## Every CURIE", "",
              "*converter* is `converter.expand(curie)`; *export* the SSSOM export's expansion (its PREFIXES), blank where "
              "the export declares no URI prefix for it; *resolver* where Bioregistry's resolver sends the site's link "
              "(`bioregistry.get_iri`); *valid* whether the local id matches Bioregistry's pattern and prefixes.tsv's.", "",
              "| CURIE | site link | converter | export | same | resolver | valid (bioregistry / prefixes.tsv) |",
              "|---|---|---|---|---|---|---|"]
    for curie in sorted(found, key=str.lower):
        prefix, local = curie.split(":", 1)
        expanded = converter.expand(curie) or ""
        export = PREFIXES[prefix] + local if prefix in PREFIXES else ""
        resolved = bioregistry.get_iri(curie) or ""
        normal = bioregistry.normalize_prefix(prefix)
        valid_br = bool(normal and bioregistry.is_valid_identifier(normal, local))
        record = records.get(prefix)
        valid_ours = bool(record and re.fullmatch(record["curie_regex"].lstrip("^").rstrip("$"), curie))
        lines.append(f"| {curie} | {resolver_url(curie)} | {expanded or '(none)'} | {export} | "
                     f"{('yes' if export == expanded else 'no') if export else ''} | {resolved} | "
                     f"{'yes' if valid_br else 'no'} / {'yes' if valid_ours else 'no'} |")
    return "\n".join(lines) + "\n"


RESULT = """## Result and recommendation: keep prefixes.tsv and the two expansions; no switch

- **Prefixes**: the converter knows every prefix the tables write, as written (HGNC, UniProtKB, MESH, icd11.code, …
  are its synonyms), and maps each prefix listed in prefixes.tsv to the same Bioregistry prefix prefixes.tsv
  records. NCBITaxon and UBERON (species_contexts and the relationship tables' anatomical context) are used in the tables but have no line
  in prefixes.tsv: a gap in prefixes.tsv, worth a line each (curated, not a library matter).
- **Expansions**: for the prefixes the SSSOM export declares, the converter gives the same URI for CHEBI, CL, GO,
  HP, MAXO, MONDO and UniProtKB; it differs for HGNC, DRUGBANK and icd11.code (the export uses Bioregistry's own
  resolver, `https://bioregistry.io/<prefix>:`, because those authorities have no stable URI space; the converter
  gives each authority's web page, e.g. genenames.org's `#!/hgnc_id/` fragment URL or a third-party ICD-11 site) and
  MESH (the export uses the linked-data URI `http://id.nlm.nih.gov/mesh/`, the converter the MeSH browser page).
  The export's choices are deliberate and better for RDF/SSSOM, so a drop-in switch would change 100 of the
  export's URIs (10 HGNC + 4 DRUGBANK + 9 icd11.code + 77 MESH CURIEs) for the worse.
- **Site links** go through `https://bioregistry.io/<CURIE>` as written; Bioregistry's resolver knows every prefix
  (same check), so the links need no converter.
- **Validity**: every local id matches Bioregistry's pattern, and prefixes.tsv's `curie_regex` wherever prefixes.tsv has a line (NCBITaxon and UBERON have none; table below).
- `curies` needs the network (`web=True`, the default, fetches bioregistry.json from GitHub) or the whole
  `bioregistry` package (web=False) to build this converter; painimmune's tables need only prefixes.tsv (25
  lines, versioned with the data) and a 14-entry dict. Recommendation: **keep**; add NCBITaxon and UBERON to
  prefixes.tsv in a data change. If the project ever needs general CURIE parsing, `curies.Converter` built from
  prefixes.tsv (not from the web) is the library to use."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--libs", help="site-packages holding curies and bioregistry (appended to sys.path)")
    parser.add_argument("--out", default=str(HERE / "prefixes.md"))
    args = parser.parse_args()
    if args.libs:
        sys.path.append(args.libs)
    text = run()
    Path(args.out).write_text(text, encoding="utf-8")
    print(text.split("## Every CURIE")[0])


if __name__ == "__main__":
    main()
