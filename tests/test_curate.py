"""The curation assistant: ``painimmune curate worksheet`` and ``painimmune curate apply``.

Each test removes curated rows from a copy of the real package, as if they had never been written,
and checks that the worksheet finds them again and that applying a reviewed worksheet restores a
valid package, or, for a malformed worksheet, changes nothing and says which line and column is wrong.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from painimmune.curate.apply import Outcome, apply, id_format
from painimmune.curate.worksheet import Finder, columns
from painimmune.graph import qualifier_names
from painimmune.package.descriptor import DataPackage
from painimmune.validation import validate
from rows import Rows, edit_rows

SOURCE = "marchand2005"
# cc0009 quotes this whole sentence of marchand2005; ne0011 lists the other sentence as not encoded.
SENTENCE = "The immune system might also have a role in the pain that is associated with CNS damage."
SENTENCE_START = 257
# (read from the checkout's text: a passage no row quotes is never written into a file a release ships)
NOT_ENCODED_SENTENCE = (ROOT / "sources" / f"{SOURCE}.txt").read_text(encoding="utf-8")[1541:1541 + 82]


def hashes(root: Path) -> dict[str, str]:
    """The sha256 of every file under *root*."""
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def write(path: Path, lines: list[dict[str, str]]) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(lines[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(lines)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def removed(package_copy: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The package copy without row cc0009 and not-encoded span ne0011, and those two rows."""
    with edit_rows(package_copy, "cell_conditions") as table:
        row = dict(table.row("cc0009"))
        table.remove("cc0009")
    with edit_rows(package_copy, "not_encoded") as table:
        span = dict(table.row("ne0011"))
        table.remove("ne0011")
    return package_copy, row, span


@pytest.fixture
def worksheet(removed: tuple[Path, dict[str, str], dict[str, str]], tmp_path: Path) -> Path:
    package, _, _ = removed
    out = tmp_path / "worksheet.csv"
    before = hashes(package)
    result = run_cli("curate", "worksheet", SOURCE, "--path", package, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote: {out} (2 sentences to review")
    assert hashes(package) == before  # nothing is written into the package
    return out


def reviewed(worksheet: Path, row: dict[str, str], span: dict[str, str]) -> list[dict[str, str]]:
    """The worksheet as a curator reviews it: the candidate of *row* accepted with the curated
    relation, qualifiers and note, the sentence of *span* marked not encoded."""
    lines = read(worksheet)
    for line in lines:
        if line["kind"] == "candidate" and (line["subject"], line["object"]) == (row["cell_type_id"], row["condition_id"]):
            line.update(decision="accept", relation=row["relation"], note=row["note"], **{column: row[column] for column in qualifier_names()})
        if line["kind"] == "sentence" and line["start"] == span["quote_start"]:
            line.update(decision="not encoded", not_encoded_kind=span["kind"], reason=span["reason"])
    return lines


def test_a_worksheet_lists_the_sentence_its_mentions_and_the_candidate(worksheet):
    lines = read(worksheet)
    assert list(lines[0]) == list(columns(DataPackage()))
    sentences = [(line["text"], line["start"]) for line in lines if line["kind"] == "sentence"]
    assert (SENTENCE, str(SENTENCE_START)) in sentences and len(sentences) == 2
    mine = [line for line in lines if line["sentence_start"] == str(SENTENCE_START)]
    mentions = {(line["text"], line["start"], line["table"], line["entity"]) for line in mine if line["kind"] == "mention"}
    assert mentions == {("immune system", "261", "cell_types", "immune_cell"),
                        ("pain that is associated with CNS damage", "305", "conditions", "central_neuropathic_pain")}
    [candidate] = [line for line in mine if line["kind"] == "candidate"]
    assert {column: candidate[column] for column in ("table", "subject", "object", "text", "start", "subject_mention",
                                                     "object_mention", "evidence_level_id", "direction", "relation", "decision")} == {
        "table": "cell_conditions", "subject": "immune_cell", "object": "central_neuropathic_pain", "text": SENTENCE,
        "start": str(SENTENCE_START), "subject_mention": "immune system", "object_mention": "pain that is associated with CNS damage",
        "evidence_level_id": "hypothesis", "direction": "supports", "relation": "", "decision": ""}
    assert candidate["species_context_qualifier"] == "not_stated"
    assert "grade: 'might'" in candidate["cues"] and "relation: no cue" in candidate["cues"]


def test_the_worksheet_finds_antecedents_and_flags_possible_new_entities(package_copy):
    for table_name, keys in (("cell_mediators", ["cm0006", "cm0007"]), ("mediator_conditions", ["mc0004", "mc0005"])):
        with edit_rows(package_copy, table_name) as table:  # every row that quotes "These cells release ..."
            for key in keys:
                table.remove(key)
    finder = Finder(package_copy)
    [work] = [w for w in finder.worksheet(SOURCE).sentences if w.sentence.text.startswith("These cells release")]
    assert ("cell_types", "immune_cell") in {(m.table, m.entity) for m in work.antecedents}
    pairs = {(c.table, c.subject.entity, c.object.entity) for c in work.candidates}
    assert {("cell_mediators", "immune_cell", "cytokine"), ("cell_mediators", "immune_cell", "chemokine")} <= pairs
    text = "Interleukin-23 and TRPV1 receptors drive synovitis in Lyme arthritis."
    sentence = type(work.sentence)(0, len(text), text, 0)
    new = {m.text for m in finder.mentions(sentence) if m.entity is None}
    assert new == {"Interleukin-23", "TRPV1 receptors", "synovitis", "Lyme"}


def test_apply_of_accepted_rows_passes_validation_with_the_next_ids(removed, worksheet, tmp_path):
    package, row, span = removed
    with edit_rows(package, "withdrawn_rows") as table:  # a withdrawn id above every live one is never given again
        table.add(id="cc0099", table="cell_conditions", release="1.0.0", reason="A withdrawn id for this test.", note="")
    result = run_cli("curate", "apply", write(tmp_path / "reviewed.csv", reviewed(worksheet, row, span)), "--path", package)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "added: cell_conditions: cc0100" in result.stdout and "added: not_encoded: ne" in result.stdout
    assert result.stdout.strip().endswith("valid")
    assert validate(package).valid
    assert {**Rows(package, "cell_conditions").row("cc0100"), "id": "cc0009"} == row
    [added] = Rows(package, "not_encoded").where(opening="Another…")
    assert {**added, "id": "ne0011"} == span  # its place, length, sha256 and opening computed from the text, the same as curated
    assert added["length"] == str(len(NOT_ENCODED_SENTENCE)) and NOT_ENCODED_SENTENCE not in (package / "tables" / "not_encoded.csv").read_text()
    again = Finder(package).worksheet(SOURCE)
    assert again.sentences == []  # every sentence is accounted for now


def apply_changed(removed: tuple[Path, dict[str, str], dict[str, str]], worksheet: Path, tmp_path: Path, decision: str,
                  change: Callable[[dict[str, str]], None]) -> tuple[Path, dict[str, str], int, Outcome]:
    """The reviewed worksheet with *change* made to its first line of *decision*, applied to the
    package: (package, its hashes before, the changed line's number in the file, the outcome)."""
    package, row, span = removed
    lines = reviewed(worksheet, row, span)
    number, line = next((number, line) for number, line in enumerate(lines, start=2) if line["decision"] == decision)
    change(line)
    before = hashes(package)
    return package, before, number, apply(write(tmp_path / "bad.csv", lines), package)


@pytest.mark.parametrize(("change", "where", "says"), [
    (lambda line: line.update(decision="maybe"), "decision", "takes 'accept' or 'reject'"),
    (lambda line: line.update(subject="immune_cells"), "subject", "is no id of cell_types"),
    (lambda line: line.update(table="cells"), "table", "is not a relationship table"),
    (lambda line: line.update(start="258"), "start", "the quote begins at 257"),
    (lambda line: line.update(relation=""), "relation", "required"),
    (lambda line: line.update(relation="causes"), "relation", "is not one of"),
    (lambda line: line.update(evidence_level_id="strong"), "evidence_level_id", "is no id of evidence_levels"),
    (lambda line: line.update(decision="Accept"), "decision",
     "'Accept': a candidate line takes 'accept' or 'reject', exactly so (lower case, no space around it), or is left empty"),
    (lambda line: line.update(decision=" accept"), "decision", "' accept': a candidate line takes 'accept' or 'reject', exactly so"),
    (lambda line: line.update(note="=HYPERLINK(\"http://example.org\")"), "note",
     "begins with '=': a spreadsheet may have run it as a formula; reword it so that it does not begin with =, +, -, @, |"),
    (lambda line: line.update(note="'=HYPERLINK(\"http://example.org\")"), "note", "formula; reword it"),
    (lambda line: line.update(species_context_qualifier="martians"), "species_context_qualifier", "is no id of species_contexts"),
])
def test_apply_of_a_malformed_worksheet_changes_nothing_and_says_why(removed, worksheet, tmp_path, change, where, says):
    package, before, number, outcome = apply_changed(removed, worksheet, tmp_path, "accept", change)
    assert not outcome.valid and not outcome.added and not outcome.written
    assert any(problem.startswith(f"line {number}, column {where}: ") and says in problem for problem in outcome.problems), outcome.problems
    assert outcome.problems[-1] == "refused: nothing was changed"
    assert hashes(package) == before


@pytest.mark.parametrize(("change", "where", "says"), [
    (lambda line: line.update(start=str(int(line["start"]) + 1)), "start", "the quote begins at 1541"),
    (lambda line: line.update(text=line["text"].replace("mechanism", "route")), "text", "the quote occurs nowhere"),
    (lambda line: line.update(text=""), "text", "required; fill it in"),
])
def test_a_passage_marked_not_encoded_must_lie_in_the_text_where_the_line_says(removed, worksheet, tmp_path, change, where, says):
    package, before, number, outcome = apply_changed(removed, worksheet, tmp_path, "not encoded", change)
    assert not outcome.valid and hashes(package) == before
    assert any(problem.startswith(f"line {number}, column {where}: ") and says in problem for problem in outcome.problems), outcome.problems


def test_a_problem_found_by_validation_names_the_worksheet_line_and_changes_nothing(removed, worksheet, tmp_path):
    package, row, span = removed
    lines = reviewed(worksheet, row, span)
    number = next(number for number, line in enumerate(lines, start=2) if line["decision"] == "accept")
    lines[number - 2]["subject_mention"] = "role"  # in the quote, but no name of immune_cell
    before = hashes(package)
    result = run_cli("curate", "apply", write(tmp_path / "bad.csv", lines), "--path", package)
    assert result.returncode == 1
    assert f"line {number}, column subject_mention: mention-not-a-name" in result.stderr
    assert result.stdout.strip().endswith("invalid: nothing was changed")
    assert hashes(package) == before


def test_a_quote_cut_before_a_hedge_of_its_sentence_is_refused(removed, worksheet, tmp_path):
    package, row, span = removed
    lines = reviewed(worksheet, row, span)
    number = next(number for number, line in enumerate(lines, start=2) if line["decision"] == "accept")
    lines[number - 2].update(text="a role in the pain that is associated with CNS damage", start=str(SENTENCE_START + 34),
                             evidence_level_id="expert_statement", subject_mention="immune system", subject_mention_start="261")
    before = hashes(package)
    outcome = apply(write(tmp_path / "cut.csv", lines), package)
    assert not outcome.valid and hashes(package) == before
    assert any(problem.startswith(f"line {number}, column text: cue-outside-quote") and "'might'" in problem
               for problem in outcome.problems), outcome.problems


def test_a_file_that_is_no_worksheet_is_refused(removed, tmp_path):
    package, _, _ = removed
    before = hashes(package)
    (tmp_path / "tables.csv").write_bytes((package / "tables" / "cell_conditions.csv").read_bytes())
    result = run_cli("curate", "apply", tmp_path / "tables.csv", "--path", package)
    assert result.returncode == 1 and "line 1: not a worksheet header: missing column(s) kind" in result.stderr
    empty = write(tmp_path / "empty.csv", [dict.fromkeys(columns(DataPackage(package)), "")])
    assert "nothing to apply" in " ".join(apply(empty, package).problems)
    assert hashes(package) == before


def test_the_worksheet_command_refuses_an_unknown_source_and_the_tables_folder(package_copy):
    unknown = run_cli("curate", "worksheet", "nosuchsource", "--path", package_copy, "--out", package_copy.parent / "w.csv")
    assert unknown.returncode == 1 and len(unknown.stderr.splitlines()) == 1 and "no document" in unknown.stderr
    before = hashes(package_copy)
    for target in (package_copy / "tables" / "w.csv", package_copy / "datapackage.json", package_copy / "sources" / "fmpm.txt"):
        inside = run_cli("curate", "worksheet", SOURCE, "--path", package_copy, "--out", target)
        assert inside.returncode == 1 and "never written into the package" in inside.stderr, target
    assert hashes(package_copy) == before


def test_a_link_at_the_worksheet_path_is_replaced_never_written_through(package_copy, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "w.csv").symlink_to(precious)
    assert run_cli("curate", "worksheet", SOURCE, "--path", package_copy, "--out", out / "w.csv").returncode == 0
    assert precious.read_text(encoding="utf-8") == "keep me"
    assert not (out / "w.csv").is_symlink() and "kind" in (out / "w.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    (out / "d.csv").symlink_to(package_copy / "datapackage.json")  # a link into the package: replaced, the package untouched
    before = hashes(package_copy)
    assert run_cli("curate", "worksheet", SOURCE, "--path", package_copy, "--out", out / "d.csv").returncode == 0
    assert hashes(package_copy) == before


def test_apply_checks_every_place_it_writes_before_writing_anything(removed, worksheet, tmp_path):
    package, row, span = removed
    (package / "docs").mkdir(exist_ok=True)
    (package / "docs" / "keep.md").write_text("docs", encoding="utf-8")
    real = tmp_path / "real-docs"
    (package / "docs").rename(real)
    (package / "docs").symlink_to(real)  # the build writes docs/: a linked folder is refused
    before = hashes(package)
    result = run_cli("curate", "apply", write(tmp_path / "reviewed.csv", reviewed(worksheet, row, span)), "--path", package)
    assert result.returncode == 1 and "symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert hashes(package) == before


def test_ids_keep_the_prefix_and_width_of_the_table():
    package = DataPackage()
    assert id_format(package, "cell_mediators", ["cm0001", "cm0063"]) == ("cm", 4)
    assert id_format(package, "not_encoded", []) == ("ne", 4)
