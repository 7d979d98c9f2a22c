"""Load every record set of a Croissant file with mlcroissant and count its records.

    python croissant_records.py croissant.json   # prints {"record_set": count, ...}
"""

import json
import sys

import mlcroissant as mlc

dataset = mlc.Dataset(jsonld=sys.argv[1])
print(json.dumps({record_set.name: sum(1 for _ in dataset.records(record_set=record_set.uuid))
                  for record_set in dataset.metadata.record_sets}))
