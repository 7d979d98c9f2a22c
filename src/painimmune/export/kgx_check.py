"""Validate a KGX export with ``kgx`` offline: ``python -m painimmune.export.kgx_check DIR``.

``kgx validate`` fetches the Biolink Model, its predicate mappings and its JSON-LD context from
GitHub; this check reads them from the installed ``biolink-model`` package instead (its YAML and
prefix map), plus the export's own ``context.jsonld``, so it runs without network. It needs kgx
and biolink-model, which painimmune does not install by default (kgx is heavy):
``pip install "painimmune[kgx]"``. It prints ``{"errors": {...}}`` (kgx's report, by level and
kind) as one JSON line and exits 0 when kgx reports no error, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

NEEDS = "painimmune: this check needs kgx and biolink-model: pip install 'painimmune[kgx]'"
USAGE = "usage: python -m painimmune.export.kgx_check DIR  (a folder written by painimmune export --format kgx)"


def offline(folder: Path) -> None:
    """Make kgx read the Biolink Model and its prefix map from the installed ``biolink-model``
    package, with the prefixes the export in *folder* declares (``context.jsonld``), before kgx is
    first imported: kgx builds bmt's Toolkit with its defaults, which fetch the model from GitHub."""
    model = files("biolink_model")
    from bmt import Toolkit

    Toolkit.__init__.__defaults__ = (str(model / "schema" / "biolink_model.yaml"), {"predicate mappings": []})
    from kgx import config

    context = json.loads((model / "prefixmaps" / "biolink_model_prefix_map.json").read_text(encoding="utf-8"))
    context.update(json.loads((folder / "context.jsonld").read_text(encoding="utf-8"))["@context"])
    config.jsonld_context_map["biolink"] = context


def validate(folder: Path) -> dict[str, Any]:
    """kgx's errors for the KGX export in *folder* (``nodes.tsv``, ``edges.tsv``, ``context.jsonld``), read offline."""
    offline(folder)
    from bmt import Toolkit
    from kgx.transformer import Transformer
    from kgx.validator import Validator

    Validator._currently_active_toolkit = Toolkit()
    validator = Validator()
    Transformer(stream=True).transform(input_args={"filename": [str(folder / "nodes.tsv"), str(folder / "edges.tsv")], "format": "tsv"},
                                       output_args={"format": "null"}, inspector=validator)
    errors: dict[str, Any] = validator.get_errors()
    return errors


def main(argv: list[str] | None = None) -> int:
    """Run the check on the folder named in *argv*; the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    folder = Path(args[0])
    if not all((folder / name).is_file() for name in ("nodes.tsv", "edges.tsv", "context.jsonld")):
        print(f"painimmune: {folder}: no nodes.tsv, edges.tsv and context.jsonld (write them with painimmune export --format kgx)",
              file=sys.stderr)
        return 1
    try:
        installed = version("biolink-model")
        import kgx  # noqa: F401
    except (ImportError, PackageNotFoundError):
        print(NEEDS, file=sys.stderr)
        return 1
    from painimmune.export.biolink import biolink_model

    shipped = biolink_model()["version"]
    if installed != shipped:
        print(f"painimmune: note: the export uses Biolink Model {shipped}, the installed biolink-model is {installed}", file=sys.stderr)
    errors = validate(folder)
    print(json.dumps({"errors": errors}, default=str))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
