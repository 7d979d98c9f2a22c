"""Run ``kgx validate`` offline on a KGX export folder: the Biolink Model and its prefix map come
from the installed ``biolink-model`` package, plus the export's own ``context.jsonld``.

    python kgx_validate.py FOLDER     # prints {"errors": {level: {kind: {message: [ids]}}}}

Run inside a tool environment with kgx and biolink-model installed (tests/test_export.py).
"""

import json
import sys
from importlib.resources import files
from pathlib import Path

from bmt import Toolkit

MODEL = files("biolink_model")
# kgx and bmt fetch the model, its predicate map and the JSON-LD context from GitHub by default.
Toolkit.__init__.__defaults__ = (str(MODEL / "schema" / "biolink_model.yaml"), {"predicate mappings": []})

from kgx import config  # noqa: E402
from kgx.transformer import Transformer  # noqa: E402
from kgx.validator import Validator  # noqa: E402

folder = Path(sys.argv[1])
context = json.loads((MODEL / "prefixmaps" / "biolink_model_prefix_map.json").read_text(encoding="utf-8"))
context.update(json.loads((folder / "context.jsonld").read_text(encoding="utf-8"))["@context"])
config.jsonld_context_map["biolink"] = context
Validator._currently_active_toolkit = Toolkit()
validator = Validator()
Transformer(stream=True).transform(input_args={"filename": [str(folder / "nodes.tsv"), str(folder / "edges.tsv")], "format": "tsv"},
                                   output_args={"format": "null"}, inspector=validator)
print(json.dumps({"errors": validator.get_errors()}, default=str))
