"""Measure the curation worksheet against the curated rows and write benchmarks/curate.md.

    python benchmarks/curate.py

For each of the four source documents in turn, a temporary copy of the package loses that
source's relationship rows and ``not_encoded`` spans, and the worksheet of the source is generated
(``painimmune.curate.worksheet``) as for a new source. The report compares it with the rows the
curators wrote:

- **recall**: the share of curated (sentence, subject, object) triples that are among the
  candidates (a row's sentence is the one its quote begins in; target at least 90%);
- **acceptance**: the share of candidates whose (sentence, subject, object) a curator encoded;
- **grade and direction agreement**: for the curated rows whose triple is a candidate, how often
  the suggested evidence level and direction are the curated ones (the suggestion grades the whole
  sentence; a curated quote is often shorter, and only the quote counts);
- **relations**: how often a relation is suggested, and how often it is the curated one;
- **time**: ``painimmune curate worksheet`` end to end in a fresh process (interpreter start, imports,
  reading the package, writing the CSV), the median of three runs per source (target under 2 s).

Nothing here is a test: the figures are written down, and CONTRIBUTING.md quotes them.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from painimmune.curate.worksheet import Finder, Worksheet  # noqa: E402
from painimmune.graph import assertion_rows  # noqa: E402
from painimmune.language.sentences import sentence_at, sentences  # noqa: E402
from painimmune.package import csvio  # noqa: E402
from painimmune.package.descriptor import DataPackage  # noqa: E402
from painimmune.validation.grounding import NOT_ENCODED  # noqa: E402
from report import ENV, Result, render  # noqa: E402

PARTS = ("datapackage.json", "tables", "schemas", "sources", "reference", "curation", "CITATION.cff", "CHANGELOG.md")
RECALL_TARGET, SECONDS_TARGET = 0.90, 2.0
RUNS = 3  # the time of a source is the median of this many runs


def without_source(target: Path, source: str) -> Path:
    """A copy of the real package at *target* without *source*'s relationship rows and not-encoded spans."""
    target.mkdir(parents=True)
    for part in PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, target / part)
    package = DataPackage(target)
    for name in [*package.relationship_tables, NOT_ENCODED]:
        path = package.table_path(name)
        header, rows = csvio.parse(path.read_text(encoding="utf-8"), name)
        column = header.index("source_id")
        path.write_bytes(csvio.format_rows(header, [row for row in rows if row[column] != source]))
    return target


def measure(source: str, folder: Path, curated: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one source (see the module docstring)."""
    copy = without_source(folder / source, source)
    worksheet = Finder(copy).worksheet(source)
    text = (ROOT / "sources" / f"{source}.txt").read_text(encoding="utf-8")
    found = sentences(text)
    suggested = {}
    for sentence, candidate in worksheet.candidates():
        suggested[(sentence.start, candidate.table, str(candidate.subject.entity), str(candidate.object.entity))] = candidate
    triples: dict[tuple[int, str, str, str], list[dict[str, Any]]] = {}
    for row in curated:
        holder = sentence_at(found, int(row["quote_start"]))
        triples.setdefault((holder.start if holder else -1, row["table"], row["subject_id"], row["object_id"]), []).append(row)
    hits = [key for key in triples if key in suggested]
    matched_rows = [(row, suggested[key]) for key in hits for row in triples[key]]
    times, cpu = [], []
    for _ in range(RUNS):
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            run = subprocess.run([sys.executable, "-m", "painimmune", "curate", "worksheet", source, "--path", str(copy),
                                  "--out", str(Path(out) / "w.csv")], capture_output=True, text=True, env=ENV)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        if run.returncode != 0:
            raise SystemExit(f"painimmune curate worksheet {source} failed: {run.stderr.strip()}")
    seconds, cpu_seconds = statistics.median(times), statistics.median(cpu)
    missed = [key for key in triples if key not in suggested]
    return {
        "source": source, "sentences": len(worksheet.sentences), "rows": len(curated), "triples": len(triples),
        "found": len(hits), "candidates": len(suggested), "accepted": len(set(hits)),
        "grade": sum(row["evidence_level_id"] == candidate.evidence_level_id for row, candidate in matched_rows),
        "direction": sum(row["direction"] == candidate.direction for row, candidate in matched_rows),
        "relation_suggested": sum(candidate.relation is not None for _, candidate in matched_rows),
        "relation": sum(row["relation"] == candidate.relation for row, candidate in matched_rows),
        "matched_rows": len(matched_rows), "seconds": seconds, "cpu": cpu_seconds, "missed": missed,
        "why": Counter(_why_missed(key, triples[key][0], worksheet) for key in missed),
    }


def _why_missed(key: tuple[int, str, str, str], row: dict[str, Any], worksheet: Worksheet) -> str:
    """Why a curated triple is no candidate: its sentence, or one end, was not found."""
    work = next((w for w in worksheet.sentences if w.sentence.start == key[0]), None)
    if work is None:
        return "sentence not listed"
    named = {mention.entity for mention in [*work.mentions, *work.antecedents]}
    ends = [end for end, entity in (("subject", row["subject_id"]), ("object", row["object_id"])) if entity not in named]
    return f"{' and '.join(ends)} not mentioned" if ends else "pair not joined"


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.0%}" if whole else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "curate.md")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = assertion_rows(ROOT).to_dict("records")
    sources = sorted({row["source_id"] for row in rows})
    with tempfile.TemporaryDirectory() as folder:
        figures = [measure(source, Path(folder), [row for row in rows if row["source_id"] == source]) for source in sources]
    total = {key: sum(f[key] for f in figures) for key in ("triples", "found", "candidates", "accepted", "grade", "direction",
                                                            "relation_suggested", "relation", "matched_rows", "rows", "sentences")}
    slowest = max(f["seconds"] for f in figures)
    results = [
        Result("recall: curated (sentence, subject, object) triples among the candidates", share(total["found"], total["triples"]),
               f">= {RECALL_TARGET:.0%}", total["found"] / total["triples"] >= RECALL_TARGET),
        Result("acceptance: candidates a curator encoded", share(total["accepted"], total["candidates"]), "reported", None),
        Result("suggested grade = curated grade (curated rows whose triple is a candidate)",
               share(total["grade"], total["matched_rows"]), "reported", None),
        Result("suggested direction = curated direction", share(total["direction"], total["matched_rows"]), "reported", None),
        Result("a relation suggested (explicit cue)", share(total["relation_suggested"], total["matched_rows"]), "reported", None),
        Result("suggested relation = curated relation", share(total["relation"], total["matched_rows"]), "reported", None),
        Result("`painimmune curate worksheet` per source, end to end (median of 3 runs; slowest source)", f"{slowest:.2f} s", f"< {SECONDS_TARGET:.0f} s",
               slowest < SECONDS_TARGET),
    ]
    table = ["| source | sentences listed | curated rows | triples | found | candidates | grade agrees | direction agrees | "
             "relation agrees | seconds (CPU) |", "|---|---|---|---|---|---|---|---|---|---|"]
    table += [f"| {f['source']} | {f['sentences']} | {f['rows']} | {f['triples']} | {share(f['found'], f['triples'])} | {f['candidates']} | "
              f"{share(f['grade'], f['matched_rows'])} | {share(f['direction'], f['matched_rows'])} | "
              f"{share(f['relation'], f['matched_rows'])} | {f['seconds']:.2f} ({f['cpu']:.2f}) |" for f in figures]
    why: Counter[str] = sum((f["why"] for f in figures), Counter())
    missed = ["| source | sentence at | table | subject | object |", "|---|---|---|---|---|"]
    missed += [f"| {f['source']} | {key[0]} | {key[1]} | {key[2]} | {key[3]} |" for f in figures for key in f["missed"]]
    notes = ["A curated row's triple is (the sentence its quote begins in, its subject, its object); a candidate is "
             "accepted when its triple is one a curator encoded. Grade and direction are compared on the curated rows whose "
             "triple is a candidate: the worksheet grades the whole sentence, the curated row its quote (often shorter), and "
             "validation holds every curated row to the rubric on its quote, so each disagreement is a cue that lies in the "
             "sentence outside the curated quote (or the reverse).", "",
             "**Read the recall as an upper bound.** Only the rows and not-encoded entries of the source are removed: its "
             "entities, their synonyms and above all their accepted mentions stay, and many of those were written while "
             "curating this very source. On a new source, entities the tables do not yet name give no candidate until a "
             "curator adds them (the worksheet flags capitalised and suffixed words as possible new entities), so recall "
             "there will be lower; the first new source should be measured the same way.", "",
             "## Per source", "", *table, "",
             "## Curated triples that are no candidate", "",
             "Why: " + "; ".join(f"{reason}: {count}" for reason, count in why.most_common()) + ".", "", *missed]
    text = render("Curation worksheet", "curate.py", results, started, notes)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

