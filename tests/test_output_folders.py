"""Where painimmune writes: an output folder is never a system folder, the home folder, the package or a
folder of other files; an earlier output of the same command is replaced whole, its stale files removed;
a failure leaves the earlier output as it was; and a copy of a package never follows a symbolic link.

Every command runs through the real command line (``run_cli``). No test can write into a system
folder even if a refusal were broken: the ``no_writing`` fixture makes the first step of any write
fail the test.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path

import pytest

from conftest import ROOT, one_line_refusal, run_cli
from painimmune.destination import MARKER, PREVIOUS_PREFIX, RUN_MARKER, STAGING_PREFIX, StagedOutput, run_folder

EXPORTS = ["csv", "json", "parquet", "sqlite", "kgx", "sssom"]
# Every command that writes an output folder, with its arguments before --out.
FOLDER_COMMANDS = [("site",), *[("export", "--format", fmt) for fmt in EXPORTS]]
IDS = ["site", *[f"export-{fmt}" for fmt in EXPORTS]]



def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under *folder*: a file's bytes, a link's target, a folder's name (links not followed)."""
    found: dict[str, bytes | str] = {}
    for current, folders, names in os.walk(folder):
        for name in [*folders, *names]:
            path = Path(current) / name
            relative = path.relative_to(folder).as_posix()
            found[relative] = f"-> {os.readlink(path)}" if path.is_symlink() else "folder" if path.is_dir() else path.read_bytes()
    return found


@pytest.fixture
def no_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any output folder or worksheet actually written fails the test: a test of a refusal of a
    system folder can never write into one, even if the refusal were broken."""
    from painimmune.curate import worksheet

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the command was about to write: {args}")

    monkeypatch.setattr(StagedOutput, "__enter__", refuse)
    monkeypatch.setattr(worksheet.OutputFolder, "write_bytes", refuse)


# ---- refused places --------------------------------------------------------------------------------

@pytest.mark.parametrize("command", FOLDER_COMMANDS, ids=IDS)
@pytest.mark.parametrize("folder, reason", [
    ("/", "/ is the file-system root"),
    ("/usr/share/..", "/usr is a system folder"),  # resolved before it is compared
    ("/etc", "/etc is a system folder"),
    ("/var/tmp", "/var/tmp is a system folder"),
    ("/root", "/root is a system folder"),
])
def test_system_folders_are_refused(no_writing, command, folder, reason):
    one_line_refusal(run_cli(*command, "--out", folder), f"painimmune: {folder}: refused as an output folder: {reason}")


def test_the_home_folder_itself_is_refused_a_folder_inside_it_is_not(no_writing, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    one_line_refusal(run_cli("site", "--out", home), "refused as an output folder: it is your home folder")
    one_line_refusal(run_cli("export", "--format", "csv", "--out", home / "sub" / ".."), "it is your home folder")
    assert not (home / "sub").exists()


@pytest.mark.parametrize("command", FOLDER_COMMANDS, ids=IDS)
def test_the_package_a_folder_inside_it_and_a_folder_holding_it_are_refused(package_copy, command):
    before = snapshot(package_copy.parent)
    for out, reason in [(package_copy, "it is the package being read"),
                        (package_copy / "tables", f"it lies inside the package being read ({package_copy})"),
                        (package_copy / "new", "it lies inside the package being read"),
                        (package_copy / "tables" / "..", "it is the package being read"),
                        (package_copy.parent, f"it holds the package being read ({package_copy})")]:
        one_line_refusal(run_cli(*command, "--out", out, "--path", package_copy), f"{out}: refused as an output folder: {reason}")
    assert snapshot(package_copy.parent) == before


def test_a_link_to_the_package_is_refused_as_the_package(package_copy, tmp_path):
    (tmp_path / "link").symlink_to(package_copy / "tables", target_is_directory=True)
    one_line_refusal(run_cli("site", "--out", tmp_path / "link", "--path", package_copy), "inside the package being read")


@pytest.mark.parametrize("command", FOLDER_COMMANDS, ids=IDS)
def test_a_folder_of_other_files_is_refused_and_left_alone(tmp_path, command):
    out = tmp_path / "papers"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "draft.txt").write_text("mine", encoding="utf-8")
    (out / "index.html").write_text("my page", encoding="utf-8")
    before = snapshot(out)
    one_line_refusal(run_cli(*command, "--out", out), f"{out}: refused as an output folder: it is not empty and is not an "
                     f"earlier output of `painimmune {' '.join(command)}` (it has no {MARKER})")
    assert snapshot(out) == before


def test_an_output_of_another_command_is_refused(tmp_path):
    out = tmp_path / "out"
    assert run_cli("export", "--format", "kgx", "--out", out).returncode == 0
    before = snapshot(out)
    one_line_refusal(run_cli("export", "--format", "csv", "--out", out),
                     "it is an earlier output of `painimmune export --format kgx`, not of `painimmune export --format csv`")
    one_line_refusal(run_cli("site", "--out", out), "not of `painimmune site`")
    assert snapshot(out) == before


def test_a_file_added_to_an_earlier_output_is_never_removed(tmp_path):
    out = tmp_path / "out"
    assert run_cli("export", "--format", "kgx", "--out", out).returncode == 0
    (out / "my-notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    one_line_refusal(run_cli("export", "--format", "kgx", "--out", out),
                     "it holds my-notes.txt (file), which `painimmune export --format kgx` did not write")
    assert snapshot(out) == before


@pytest.mark.parametrize("marker", ["not json", json.dumps({"command": "painimmune site"}), json.dumps(["files"])])
def test_a_broken_marker_is_no_earlier_output(tmp_path, marker):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text(marker, encoding="utf-8")
    one_line_refusal(run_cli("site", "--out", out), f"is not an earlier output of `painimmune site` (its {MARKER} is not a "
                     "painimmune output marker)")


# ---- replacing an earlier output ---------------------------------------------------------------------

def as_written(out: Path, *names: str) -> None:
    """Record in the marker of *out* the fingerprint of files *names* as they are now, as the run
    that wrote them would have."""
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    marker["sha256"].update({name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names})
    (out / MARKER).write_text(json.dumps(marker), encoding="utf-8")


def test_a_file_of_an_earlier_output_changed_since_or_named_by_a_forged_marker_is_never_removed(tmp_path):
    out = tmp_path / "out"
    assert run_cli("export", "--format", "sssom", "--out", out).returncode == 0
    with (out / "painimmune.sssom.tsv").open("a", encoding="utf-8") as handle:
        handle.write("# a note the user added\n")
    one_line_refusal(run_cli("export", "--format", "sssom", "--out", out), "painimmune.sssom.tsv is not the file")
    assert (out / "painimmune.sssom.tsv").read_text(encoding="utf-8").endswith("# a note the user added\n")

    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / "keep").write_text("precious", encoding="utf-8")
    (forged / MARKER).write_text(json.dumps({"command": "painimmune export --format sssom", "files": ["keep"]}), encoding="utf-8")
    one_line_refusal(run_cli("export", "--format", "sssom", "--out", forged), "keep is not the file")
    assert (forged / "keep").read_text(encoding="utf-8") == "precious"


def test_an_earlier_output_is_replaced_and_its_stale_files_removed(tmp_path):
    out = tmp_path / "site"
    first = run_cli("site", "--out", out)
    assert first.returncode == 0, first.stderr
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["command"] == "painimmune site" and "index.html" in marker["files"] and "static/style.css" in marker["files"]
    # As if an earlier release had written pages this one does not: listed in the marker, so painimmune's to remove.
    (out / "mediators" / "retired.html").write_text("an entity withdrawn since", encoding="utf-8")
    (out / "old").mkdir()
    (out / "old" / "page.html").write_text("stale", encoding="utf-8")
    marker["files"] += ["mediators/retired.html", "old/page.html"]
    (out / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    as_written(out, "mediators/retired.html", "old/page.html")
    inode = out.stat().st_ino

    second = run_cli("site", "--out", out)
    assert second.returncode == 0, second.stderr
    assert not (out / "mediators" / "retired.html").exists() and not (out / "old").exists()
    assert (out / "index.html").is_file() and (out / "static" / "style.css").is_file()
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["files"] == sorted(
        path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file() and path.name != MARKER)
    assert out.stat().st_ino == inode  # the folder itself is kept: a shell or web server in it still sees it
    assert not [path for path in out.iterdir() if path.name.startswith(".painimmune-") and path.name != MARKER]


def test_an_empty_folder_is_written_into_and_kept(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    inode = out.stat().st_ino
    result = run_cli("export", "--format", "sssom", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote: {out / 'painimmune.sssom.tsv'}\n"
    assert sorted(path.name for path in out.iterdir()) == [MARKER, "painimmune.sssom.tsv"] and out.stat().st_ino == inode


def test_the_folders_a_killed_run_left_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    staging = run_folder(out, STAGING_PREFIX)  # as a run makes them, killed before it ended
    (staging / "tables").mkdir()
    (staging / "tables" / "half.csv").write_text("id\n", encoding="utf-8")
    (run_folder(out, PREVIOUS_PREFIX) / "painimmune.json").write_text("{}", encoding="utf-8")
    (out / f"{STAGING_PREFIX}{'0' * 16}").mkdir()  # killed between making the folder and marking it
    assert run_cli("export", "--format", "json", "--out", out).returncode == 0
    assert sorted(path.name for path in out.iterdir()) == [MARKER, "painimmune.json"]


@pytest.mark.parametrize("name", [f"{PREVIOUS_PREFIX}mine", f"{STAGING_PREFIX}x", f"{PREVIOUS_PREFIX}{'a' * 16}"])
@pytest.mark.parametrize("earlier", [False, True], ids=["new-folder", "earlier-output"])
def test_a_users_folder_named_like_a_run_folder_is_never_removed(tmp_path, name, earlier):
    """Only a folder painimmune made and marked is its leftover; one the user named alike, even
    exactly as painimmune names them, is the user's: the export is refused and it is left alone."""
    out = tmp_path / "out"
    if earlier:
        assert run_cli("export", "--format", "json", "--out", out).returncode == 0
    (out / name).mkdir(parents=True)
    (out / name / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    reason = (f"it holds {name} (folder), which `painimmune export --format json` did not write" if earlier else
              f"it is not empty and is not an earlier output of `painimmune export --format json` (it has no {MARKER})")
    one_line_refusal(run_cli("export", "--format", "json", "--out", out), f"{out}: refused as an output folder: {reason}")
    assert snapshot(out) == before and (out / name / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_run_marker_that_is_not_painimmunes_makes_no_leftover(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    folder = run_folder(out, STAGING_PREFIX)
    (folder / RUN_MARKER).write_text("my own file of that name", encoding="utf-8")
    before = snapshot(out)
    one_line_refusal(run_cli("export", "--format", "json", "--out", out), "it is not empty and is not an earlier output")
    assert snapshot(out) == before


def test_a_failure_part_way_leaves_the_earlier_output_as_it_was(tmp_path, monkeypatch):
    from painimmune.export import kgx

    out = tmp_path / "out"
    assert run_cli("export", "--format", "kgx", "--out", out).returncode == 0
    (out / "nodes.tsv").write_text("an earlier export's nodes\n", encoding="utf-8")  # to tell the earlier from a new one
    as_written(out, "nodes.tsv")
    before = snapshot(out)

    def full_disk() -> None:  # the third and last file: nodes.tsv and edges.tsv are written by then
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kgx, "context", full_disk)
    one_line_refusal(run_cli("export", "--format", "kgx", "--out", out), "No space left on device")
    assert snapshot(out) == before


def test_a_failure_in_a_new_folder_leaves_no_folder(tmp_path, monkeypatch):
    from painimmune.site import search_index

    def broken(data: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(search_index, "script", broken)  # after every page and download is written
    one_line_refusal(run_cli("site", "--out", tmp_path / "new" / "site"), "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_refused_package_leaves_no_folder(package_copy, tmp_path):
    (package_copy / "tables" / "conditions.csv").write_bytes(b"id,name\n=1+1,x\n")
    result = run_cli("export", "--format", "csv", "--out", tmp_path / "out", "--path", package_copy)
    assert result.returncode == 1 and not (tmp_path / "out").exists()


# ---- the worksheet, a single file ----------------------------------------------------------------------

@pytest.mark.parametrize("target, reason", [
    ("/w.csv", "its folder / is the file-system root"),
    ("/etc/w.csv", "its folder /etc is a system folder"),
    ("/usr/share/../w.csv", "its folder /usr is a system folder"),
])
def test_a_worksheet_is_never_written_into_a_system_folder(no_writing, target, reason):
    one_line_refusal(run_cli("curate", "worksheet", "fmpm", "--out", target), f"{target}: refused as an output file: {reason}")


def test_a_worksheet_replaces_an_earlier_worksheet_and_no_other_file(package_copy, tmp_path):
    notes = tmp_path / "notes.csv"
    notes.write_text("my,own\nnotes,here\n", encoding="utf-8")
    one_line_refusal(run_cli("curate", "worksheet", "fmpm", "--path", package_copy, "--out", notes),
                     f"{notes}: refused as an output file: it exists and is not an earlier worksheet")
    assert notes.read_text(encoding="utf-8") == "my,own\nnotes,here\n"
    sheet = tmp_path / "w.csv"
    for _ in range(2):  # written, then written again over the earlier worksheet
        result = run_cli("curate", "worksheet", "fmpm", "--path", package_copy, "--out", sheet)
        assert result.returncode == 0, result.stderr
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbfkind,decision,")
    one_line_refusal(run_cli("curate", "worksheet", "fmpm", "--path", package_copy, "--out", package_copy / "w.csv"),
                     "a worksheet is never written into the package")


# ---- copies of a package never follow links ------------------------------------------------------------

@pytest.fixture
def worksheet_file(package_copy: Path, tmp_path: Path) -> Path:
    sheet = tmp_path / "w.csv"
    assert run_cli("curate", "worksheet", "fmpm", "--path", package_copy, "--out", sheet).returncode == 0
    return sheet


def test_apply_refuses_a_link_to_a_folder_inside_the_package(package_copy, worksheet_file, tmp_path):
    large = tmp_path / "large"
    large.mkdir()
    (large / "data.bin").write_bytes(bytes(1024))
    (package_copy / "curation" / "elsewhere").symlink_to(large, target_is_directory=True)
    before = snapshot(package_copy)
    one_line_refusal(run_cli("curate", "apply", worksheet_file, "--path", package_copy),
                     f"painimmune: {package_copy / 'curation' / 'elsewhere'}: a symbolic link inside the package (to {large}); "
                     "refused: a copy of the package never follows links")
    assert snapshot(package_copy) == before


@pytest.mark.parametrize("loop", ["self", "parent", "pair"])
def test_apply_refuses_a_link_loop_in_one_line(package_copy, worksheet_file, loop):
    sources = package_copy / "sources"
    if loop == "self":
        (sources / "loop").symlink_to("loop")
    elif loop == "parent":
        (sources / "loop").symlink_to("..", target_is_directory=True)
    else:
        (sources / "loop").symlink_to("other")
        (sources / "other").symlink_to("loop")
    one_line_refusal(run_cli("curate", "apply", worksheet_file, "--path", package_copy),
                     f"{sources}/", "a symbolic link inside the package", "never follows links")


def test_apply_refuses_a_link_to_a_file_and_a_fifo(package_copy, worksheet_file, tmp_path):
    (package_copy / "reference" / "extra.tsv").symlink_to(package_copy / "reference" / os.listdir(package_copy / "reference")[0])
    one_line_refusal(run_cli("curate", "apply", worksheet_file, "--path", package_copy),
                     f"{package_copy / 'reference' / 'extra.tsv'}: a symbolic link inside the package")
    (package_copy / "reference" / "extra.tsv").unlink()
    os.mkfifo(package_copy / "curation" / "pipe")
    one_line_refusal(run_cli("curate", "apply", worksheet_file, "--path", package_copy),
                     f"{package_copy / 'curation' / 'pipe'}: neither a file nor a folder (a FIFO, socket or device)")


@pytest.mark.parametrize("command", [("site",), ("export", "--format", "csv")], ids=["site", "export-csv"])
def test_the_data_zip_and_the_csv_export_never_follow_a_link_in_the_tables(package_copy, tmp_path, command):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.csv").write_text("id\nx\n", encoding="utf-8")
    (package_copy / "tables" / "more").symlink_to(elsewhere, target_is_directory=True)
    result = run_cli(*command, "--out", tmp_path / "out", "--path", package_copy)
    # validation refuses the link first (rule symbolic-link), so nothing is copied or written
    one_line_refusal(result, "the package does not validate", "symbolic-link")
    assert not (tmp_path / "out").exists()


# ---- the release -------------------------------------------------------------------------------------

def release_main() -> object:
    """``scripts/release.py``'s ``main``, imported from this checkout."""
    spec = importlib.util.spec_from_file_location("release_script", ROOT / "scripts" / "release.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_the_release_refuses_the_checkout_and_its_folders_but_not_dist(no_writing, package_copy, tmp_path, capsys):
    main = release_main()
    for out, reason in [(package_copy, "it is the package being read"), (package_copy / "tables", "it lies inside the package"),
                        (tmp_path, "it holds the package being read"), (Path("/"), "is the file-system root")]:
        assert main(["--root", str(package_copy), "--out", str(out)]) == 1  # type: ignore[operator]
        error = capsys.readouterr().err
        assert error.startswith(f"release: refused: {out}: refused as an output folder: ") and reason in error, error
        assert len(error.splitlines()) == 1
    (package_copy / "dist").mkdir()
    (package_copy / "dist" / "painimmune-0.1.tar.gz").write_bytes(b"built by hand")
    assert main(["--root", str(package_copy), "--out", str(package_copy / "dist")]) == 1  # type: ignore[operator]
    assert "it is not empty and is not an earlier output of `scripts/release.py`" in capsys.readouterr().err


def test_the_release_refuses_a_link_among_the_files_it_ships(package_copy, tmp_path, capsys):
    (package_copy / "tables" / "loop").symlink_to("loop")
    assert release_main()(["--root", str(package_copy), "--out", str(tmp_path / "dist")]) == 1  # type: ignore[operator]
    error = capsys.readouterr().err
    assert f"{package_copy / 'tables' / 'loop'}: a symbolic link inside the package (to loop)" in error
    assert not (tmp_path / "dist").exists()



@pytest.mark.parametrize("command", [("export", "--format", "json", "--out", "/etc"), ("site", "--out", "/etc"),
                                     ("curate", "worksheet", "fmpm", "--out", "/etc/x.csv")])
def test_where_a_command_writes_is_judged_before_it_reads_the_package(tmp_path, command):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    env = {**os.environ, "TMPDIR": str(tmp_path / "temp")}
    (tmp_path / "temp").mkdir()
    result = run_cli(*command, "--path", broken, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "/etc is a system folder" in result.stderr and "broken.zip" not in result.stderr, result.stderr
    assert list((tmp_path / "temp").iterdir()) == []  # the zip was not even opened for extraction
