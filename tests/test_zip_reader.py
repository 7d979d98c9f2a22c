"""Release data zips handed to painimmune (``diff``, ``--path`` of every command, ``DataPackage``):
judged from the central directory before anything is written, extracted within limits, refused
with one line naming the zip, the member and what is wrong.

Every zip here is a real one: the release zip ``painimmune release`` writes (the same writer,
:func:`painimmune.export.archive.write_zip`), with a member added, or its bytes patched as an
attacker would. "Nothing written" is checked on the folder the copies go to (``tempfile.tempdir``,
pointed at an empty folder) and on the members ``zipfile`` was asked to decompress.
"""

from __future__ import annotations

import json
import stat
import struct
import subprocess
import sys
import tempfile
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import painimmune as pim
from conftest import ROOT, run_build, run_cli
from conftest import one_line_refusal as refused
from painimmune.export.archive import ZIP_EPOCH_FLOOR, data_members, write_zip
from painimmune.package import zipped
from painimmune.package.descriptor import DataPackage
from painimmune.package.zipped import ReleaseZip

TOP = f"painimmune-{pim.__version__}"
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def members() -> dict[str, bytes]:
    """The files of the real release zip, by path inside the package."""
    return data_members(DataPackage(ROOT))


def release_zip(target: Path, members: dict[str, bytes], extra: dict[str, bytes | tuple[bytes, int]] | None = None) -> Path:
    """The release zip of *members* (as ``painimmune release`` writes it), with *extra* members
    added by full name: bytes, or (bytes, Unix mode) for a member that is not a regular file."""
    write_zip(target, TOP, members, ZIP_EPOCH_FLOOR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": some attacks repeat a member on purpose
        with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, value in (extra or {}).items():
                data, mode = value if isinstance(value, tuple) else (value, stat.S_IFREG | 0o644)
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = mode << 16
                archive.writestr(info, data)
    return target


def patch_member(archive: Path, name: str, *, file_size: int | None = None, compress_size: int | None = None,
                 local: bool = True) -> None:
    """Rewrite the sizes that member *name* declares, in its central directory entry and (when
    *local*) its local header, as an attacker would edit the bytes of a real zip."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as handle:
        header = handle.getinfo(name).header_offset
    encoded = name.encode("utf-8")
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(encoded)] != encoded or struct.unpack_from("<H", data, central + 28)[0] != len(encoded):
        central = data.index(b"PK\x01\x02", central + 4)
    assert data[header:header + 4] == b"PK\x03\x04"
    for value, central_at, local_at in ((compress_size, 20, 18), (file_size, 24, 22)):
        if value is not None:
            struct.pack_into("<I", data, central + central_at, value)
            if local:
                struct.pack_into("<I", data, header + local_at, value)
    archive.write_bytes(bytes(data))


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The (empty) folder every temporary copy of a zip goes to in this test."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the members zipfile is asked to decompress in this test, in order."""
    names: list[str] = []
    real = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode == "r":  # (not the members this test writes)
            names.append(name.orig_filename if isinstance(name, zipfile.ZipInfo) else name)
        return real(self, name, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return names



def nothing_in(folder: Path) -> None:
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == []


# ---- a genuine release zip works everywhere a package does ------------------------------------------

def test_a_release_zip_diffs_like_its_folder_and_leaves_nothing(members, tmp_path, temp):
    archive = release_zip(tmp_path / "x.zip", members)
    result = run_cli("diff", archive, ROOT, "--exit-code")
    assert result.returncode == 0 and "no differences in" in result.stdout, result.stderr
    nothing_in(temp)  # diff's copy is removed once read


def test_every_command_reads_a_release_zip_given_as_its_path_like_the_unzipped_folder(members, tmp_path):
    archive = release_zip(tmp_path / "x.zip", members)
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / TOP
    for command in (["list"], ["show", "mediators", "--rows", "3"], ["about", "tnf", "--format", "json"], ["cite", "--format", "bibtex"]):
        from_zip, from_folder = run_cli(*command, "--path", archive), run_cli(*command, "--path", folder)
        assert from_zip.returncode == 0 and from_zip.stdout == from_folder.stdout and from_zip.stdout, (command, from_zip.stderr)
    validated = run_cli("validate", archive)
    assert validated.returncode == 0 and validated.stdout == "valid\n", validated.stderr
    out = tmp_path / "csv"
    assert run_cli("export", "--format", "csv", "--out", out, "--path", archive).returncode == 0
    assert (out / "tables" / "mediators.csv").read_bytes() == members["tables/mediators.csv"]


def test_the_api_reads_a_release_zip(members, tmp_path):
    archive = release_zip(tmp_path / "x.zip", members)
    package = pim.DataPackage(archive)
    assert package.archive == archive and package.version == pim.__version__
    assert package.root == pim.DataPackage(str(archive)).root  # extracted once per process
    assert pim.tables(archive) == pim.tables()
    assert pim.load("mediators", path=archive).equals(pim.load("mediators"))


def test_the_copy_of_a_zip_is_removed_when_the_process_ends(members, tmp_path):
    archive = release_zip(tmp_path / "x.zip", members)
    code = "import sys, painimmune as pim; root = pim.DataPackage(sys.argv[1]).root; print(root); print(sorted(p.name for p in root.iterdir()))"
    result = subprocess.run([sys.executable, "-c", code, str(archive)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root, listing = result.stdout.splitlines()
    assert "'datapackage.json'" in listing and "'tables'" in listing
    assert Path(root).name == "package" and Path(root).parent.name.startswith("painimmune-zip-")
    assert not Path(root).parent.exists()


def test_a_release_zip_is_never_written_to(members, tmp_path):
    archive = release_zip(tmp_path / "x.zip", members)
    worksheet = tmp_path / "sheet.csv"
    worksheet.write_text("kind\n", encoding="utf-8")
    refused(run_cli("curate", "apply", worksheet, "--path", archive), "x.zip: a release zip is read-only")
    built = run_build(archive)
    assert built.returncode == 1 and "x.zip: a release zip cannot be built" in built.stderr
    assert archive.read_bytes() == release_zip(tmp_path / "again.zip", members).read_bytes()


def with_comment(data: bytes) -> bytes:
    """*data* (a zip) with the comment "hi" in its end record."""
    return data[:-2] + struct.pack("<H", 2) + b"hi"


@pytest.mark.parametrize("change, needle", [
    (lambda data: b"MZ" + b"\0" * 100 + data, "bytes before the zip or between its parts"),
    (lambda data: data + data, "bytes before the zip or between its parts"),
    (with_comment, "a zip with a comment, or with bytes after it"),
    (lambda data: data + b"\0", "a zip with a comment, or with bytes after it"),
])
def test_a_zip_that_is_more_than_one_plain_zip_is_refused(members, tmp_path, temp, opened, change, needle):
    """Other unzip tools would see other members in it (a zip behind an executable, two zips joined)."""
    archive = release_zip(tmp_path / "x.zip", members)
    archive.write_bytes(change(archive.read_bytes()))
    refused(run_cli("list", "--path", archive), f"x.zip: {needle}")
    assert opened == [] and list(temp.iterdir()) == []


# ---- the attack of issue 20: 1,000 one-MiB tables ----------------------------------------------------

def thousand_tables(target: Path) -> Path:
    """A 7 MB zip of 1,000 tables of 1 MiB each (1,000 MiB uncompressed), a descriptor naming every
    one. Each table is compressed about 160 times, under the ratio limit: only the limit on the
    tables together can stop it."""
    table = (b"id,name\n" + b"x0000000,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" * (MIB // 40 + 1))[:MIB]
    descriptor = {"name": "bomb", "version": "9.0.0", "licenses": [{"name": "CC0-1.0"}],
                  "resources": [{"name": f"t{i:04d}", "path": f"tables/t{i:04d}.csv", "schema": f"schemas/t{i:04d}.json"} for i in range(1000)]}
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "name", "type": "string"}], "primaryKey": ["id"]}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor))
        for i in range(1000):
            archive.writestr(f"schemas/t{i:04d}.json", json.dumps(schema))
            archive.writestr(f"tables/t{i:04d}.csv", table)
    with zipfile.ZipFile(target) as archive:
        sizes = [info.file_size / info.compress_size for info in archive.infolist() if info.filename.startswith("tables/")]
    assert len(sizes) == 1000 and max(sizes) < zipped.MAX_RATIO
    return target


def test_a_zip_of_a_thousand_one_mib_tables_is_refused_before_anything_is_written(tmp_path, temp, opened):
    archive = thousand_tables(tmp_path / "x.zip")
    needle = ("x.zip: the tables to extract declare 1,048,576,000 bytes together (largest: member tables/t0000.csv, "
              "1,048,576 bytes), more than the limit of 536,870,912; refused")
    refused(run_cli("diff", archive, ROOT), needle)
    refused(run_cli("list", "--path", archive), needle)
    nothing_in(temp)
    assert opened == ["datapackage.json", "datapackage.json"]  # the descriptor, in memory; never a table


# ---- names ------------------------------------------------------------------------------------------

BAD_NAMES = [
    ("../etc/passwd", "member ../etc/passwd: a name outside the package; refused"),
    (f"{TOP}/tables/../../../evil.csv", f"member {TOP}/tables/../../../evil.csv: a name outside the package; refused"),
    ("/etc/passwd", "member /etc/passwd: an absolute name, outside the package; refused"),
    ("C:/Windows/evil.dll", "member C:/Windows/evil.dll: a name holding a colon (a Windows drive letter or stream, or a URL)"),
    (f"{TOP}\\tables\\evil.csv", "a name holding a backslash (a Windows path)"),
    (f"{TOP}/tables/a\nb.csv", f"member {TOP}/tables/a\\nb.csv: a name holding a control character; refused"),
    (f"{TOP}/docs/a\u202egnp.txt", "a name holding U+202E RIGHT-TO-LEFT OVERRIDE, an invisible or format character; refused"),
    (f"{TOP}/tables/mediators.csv", f"member {TOP}/tables/mediators.csv: a duplicate of member {TOP}/tables/mediators.csv"),
    (f"{TOP}//tables/mediators.csv", f"member {TOP}//tables/mediators.csv: a duplicate of member {TOP}/tables/mediators.csv"),
    (f"./{TOP}/tables/./mediators.csv", f"member ./{TOP}/tables/./mediators.csv: a duplicate of member {TOP}/tables/mediators.csv"),
    (f"{TOP.upper()}/Tables/Mediators.csv", f"a duplicate of member {TOP}/tables/mediators.csv (names are compared with '.'"),
    (f"{TOP}/tables", f"member {TOP}/tables: a file, and also the folder of member {TOP}/tables/cell_conditions.csv"),
    (f"{TOP}/tables/" + "a/" * 150 + "x.csv", f"member {TOP}/tables/a/a/a/"),  # (and the reason, checked below)
]


@pytest.mark.parametrize("name, needle", BAD_NAMES, ids=[repr(name) for name, _ in BAD_NAMES])
def test_a_member_name_that_is_not_a_plain_path_inside_the_zip_is_refused(members, tmp_path, temp, opened, name, needle):
    archive = release_zip(tmp_path / "x.zip", members, {name: b"id\nevil\n"})
    line = refused(run_cli("diff", archive, ROOT), f"x.zip: {needle}" if needle.startswith("member") else needle)
    assert line.endswith("; refused")
    if len(name) > zipped.MAX_NAME:
        assert line.endswith(f": a name of {len(name)} characters, more than the limit of {zipped.MAX_NAME}; refused"), line
    refused(run_cli("list", "--path", archive), needle)
    nothing_in(temp)
    assert opened == []  # judged from the central directory alone


def test_a_name_holding_a_nul_is_refused(members, tmp_path, temp, opened):
    archive = release_zip(tmp_path / "x.zip", members, {f"{TOP}/tables/aQb.csv": b"id\n"})
    archive.write_bytes(archive.read_bytes().replace(b"/aQb.csv", b"/a\x00b.csv"))  # (zipfile cuts a name at a NUL when it writes it)
    refused(run_cli("list", "--path", archive), f"x.zip: member {TOP}/tables/a\\x00b.csv: a name holding a NUL or other control character; refused")
    nothing_in(temp)
    assert opened == []


NAME_PARTS = st.sampled_from(["..", ".", "", "a", "A", "tables", "mediators.csv", "datapackage.json", "C:", "b\\c", "é", "e\u0301",
                              "\n", " ", "~", TOP]) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=4)


def expected_path(name: str, files: set[str], folders: set[str]) -> str | None:
    """The path a member added to a release zip of *files* (and *folders*) must be extracted to,
    written independently of the reader; None when the member must be refused."""
    parts = name.split("/")
    if (name.startswith("/") or name.endswith("/") or ".." in parts or any(c in name for c in "\\:")
            or any(unicodedata.category(c) == "Cc" for c in name)):
        return None  # not a plain relative path (or a folder entry holding data)
    if not name.isprintable() or any(c in name for c in "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"):
        return None  # a character that does not show (soft hyphen, a right-to-left override, a filler)
    path = "/".join(part for part in parts if part not in ("", "."))
    folded = {unicodedata.normalize("NFC", other).casefold() for other in files | folders}
    ancestors = ["/".join(path.split("/")[:end]) for end in range(1, path.count("/") + 1)]
    if unicodedata.normalize("NFC", path).casefold() in folded or any(a.casefold() in {f.casefold() for f in files} for a in ancestors):
        return None  # the same name as a member, or below a file
    return path


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(NAME_PARTS, min_size=1, max_size=4), absolute=st.booleans())
def test_any_member_name_is_extracted_inside_the_package_or_refused_in_one_line(members, tmp_path, parts, absolute):
    name = zipfile.ZipInfo(("/" if absolute else "") + f"{TOP}/tables/" + "/".join(parts)).filename  # (as written: cut at a NUL)
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        archive = release_zip(Path(folder) / "x.zip", members, {name: b"id\nrandom\n"})
        written = Path(folder) / "out"
        written.mkdir()
        files = {f"{TOP}/{path}" for path in members}
        expected = expected_path(name, files, {"/".join(f.split("/")[:end]) for f in files for end in range(1, f.count("/") + 1)})
        try:
            with ReleaseZip(archive) as release:
                root = release.extract(written)
        except pim.DataError as exc:
            message = str(exc)
            assert len(message.splitlines()) == 1 and message.startswith(f"{archive}: member ") and message.endswith("; refused")
            assert expected is None, f"{name!r} was refused: {message}"
            assert sorted(written.iterdir()) == []
            return
        assert expected is not None, f"{name!r} was accepted"
        relative = expected[len(TOP) + 1:]
        assert (root / relative).read_bytes() == b"id\nrandom\n"
        for path in written.rglob("*"):  # every file written lies inside the package folder, and is a real file
            assert path.resolve().is_relative_to(root.resolve()) and not path.is_symlink()


# ---- entries that are not regular files ------------------------------------------------------------

@pytest.mark.parametrize("mode, needle", [
    (stat.S_IFLNK | 0o777, "a symbolic link, not a regular file"),
    (stat.S_IFIFO | 0o644, "not a regular file (a device, FIFO, socket or folder: mode 10644)"),
    (stat.S_IFCHR | 0o644, "not a regular file (a device, FIFO, socket or folder: mode 20644)"),
])
def test_a_link_or_other_special_member_is_refused(members, tmp_path, temp, opened, mode, needle):
    archive = release_zip(tmp_path / "x.zip", members, {f"{TOP}/tables/evil.csv": (b"/etc/passwd", mode)})
    refused(run_cli("list", "--path", archive), f"x.zip: member {TOP}/tables/evil.csv: {needle}; refused")
    nothing_in(temp)
    assert opened == []


def test_folder_entries_are_accepted_and_a_folder_entry_holding_data_is_not(members, tmp_path, temp):
    folders = {f"{TOP}/": (b"", stat.S_IFDIR | 0o755), f"{TOP}/tables/": (b"", stat.S_IFDIR | 0o755)}
    assert run_cli("list", "--path", release_zip(tmp_path / "ok.zip", members, folders)).returncode == 0  # (as `zip -r` writes them)
    archive = release_zip(tmp_path / "x.zip", members, {f"{TOP}/extra/": (b"data", stat.S_IFDIR | 0o755)})
    refused(run_cli("list", "--path", archive), f"x.zip: member {TOP}/extra/: a folder entry declaring 4 bytes of data; refused")


def test_an_unsupported_compression_is_refused(members, tmp_path, temp, opened):
    archive = release_zip(tmp_path / "x.zip", members)
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_BZIP2) as handle:
        handle.writestr(f"{TOP}/docs/extra.txt", b"text")
    refused(run_cli("list", "--path", archive), f"member {TOP}/docs/extra.txt: compressed with method 12; a release zip's members are stored or deflated")
    assert opened == []


# ---- sizes and ratios --------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [64 * 1024, MIB, 100 * MIB], ids=["64 KiB", "1 MiB", "100 MiB"])
def test_a_member_compressed_more_than_the_ratio_is_refused_at_every_size(members, tmp_path, temp, opened, size):
    # (the 64 KiB and 1 MiB members passed before issue 20: the ratio was judged only above 1 MiB)
    archive = release_zip(tmp_path / "x.zip", members, {f"{TOP}/docs/zeros.txt": bytes(size)})
    refused(run_cli("diff", archive, ROOT), f"x.zip: member {TOP}/docs/zeros.txt: compressed more than {zipped.MAX_RATIO} times "
                                           f"({size:,} bytes declared in ")
    nothing_in(temp)
    assert opened == []


def test_a_small_member_compressed_well_passes_under_the_floor(members, tmp_path):
    blank = b" " * zipped.RATIO_FLOOR  # (an all-blank file compresses hundreds of times; at the floor its ratio is not judged)
    archive = release_zip(tmp_path / "x.zip", members, {f"{TOP}/tables/blank.txt": blank})
    with zipfile.ZipFile(archive) as handle:
        info = handle.getinfo(f"{TOP}/tables/blank.txt")
        assert info.file_size > zipped.MAX_RATIO * info.compress_size
    package = pim.DataPackage(archive)
    assert (package.root / "tables" / "blank.txt").read_bytes() == blank


def test_a_zip_of_too_many_members_is_refused(members, tmp_path, temp, opened):
    extra = {f"{TOP}/junk/{i}.txt": b"" for i in range(zipped.MAX_MEMBERS + 1 - len(members))}
    archive = release_zip(tmp_path / "x.zip", members, extra)
    refused(run_cli("list", "--path", archive), f"x.zip: holds {zipped.MAX_MEMBERS + 1:,} members, more than the limit of {zipped.MAX_MEMBERS:,}; refused")
    nothing_in(temp)
    assert opened == []


def test_a_central_directory_declaring_more_than_the_limits_is_refused_unread(members, tmp_path, temp, opened):
    archive = release_zip(tmp_path / "x.zip", members)
    schema = f"{TOP}/schemas/mediators.json"
    patch_member(archive, schema, file_size=9 * MIB, compress_size=MIB, local=False)
    refused(run_cli("list", "--path", archive), f"x.zip: member {schema}: declares 9,437,184 bytes, more than the limit of 8,388,608 for a json file; refused")
    patch_member(archive, schema, file_size=2 * 1024 * MIB, compress_size=1024 * MIB, local=False)
    refused(run_cli("list", "--path", archive), "x.zip: its members declare 2,14", f"(largest: member {schema}, 2,147,483,648 bytes), "
                                                 "more than the limit of 1,073,741,824; refused")
    nothing_in(temp)
    assert opened == [f"{TOP}/datapackage.json"]  # (only the first zip got as far as its descriptor)


# ---- a central directory that lies -------------------------------------------------------------------

def test_a_member_under_declaring_its_size_is_refused_and_what_was_written_removed(members, tmp_path, temp):
    archive = release_zip(tmp_path / "x.zip", members)
    last = f"{TOP}/tables/withdrawn_rows.csv"  # extracted last: every other member is written before it
    assert len(members["tables/withdrawn_rows.csv"]) > 1000
    patch_member(archive, last, file_size=1000)  # the local header and the central directory both say 1,000 bytes
    refused(run_cli("list", "--path", archive), f"x.zip: member {last}: its data is corrupt (Bad CRC-32")
    refused(run_cli("diff", archive, ROOT), f"x.zip: member {last}: its data is corrupt (Bad CRC-32")
    nothing_in(temp)


def test_a_member_over_declaring_its_size_is_refused_and_what_was_written_removed(members, tmp_path, temp):
    archive = release_zip(tmp_path / "x.zip", members)
    last = f"{TOP}/tables/withdrawn_rows.csv"
    real = len(members["tables/withdrawn_rows.csv"])
    patch_member(archive, last, file_size=real + 100)
    refused(run_cli("list", "--path", archive),
            f"x.zip: member {last}: its data holds {real:,} bytes, not the {real + 100:,} bytes the central directory declares; refused")
    nothing_in(temp)


# ---- what the descriptor names -----------------------------------------------------------------------

def test_a_descriptor_naming_a_file_outside_the_package_or_missing_is_refused(members, tmp_path, temp, opened):
    descriptor = json.loads(members["datapackage.json"])
    descriptor["resources"][0]["path"] = "../../etc/passwd"
    archive = release_zip(tmp_path / "x.zip", {**members, "datapackage.json": json.dumps(descriptor).encode()})
    name = descriptor["resources"][0]["name"]
    refused(run_cli("list", "--path", archive), f"x.zip: {TOP}/datapackage.json: resource {name!r}: 'path' '../../etc/passwd' leads "
                                                  "outside the package; refused")
    gone = {key: value for key, value in members.items() if key != "tables/mediators.csv"}
    archive = release_zip(tmp_path / "y.zip", gone)
    refused(run_cli("list", "--path", archive), f"y.zip: has no member {TOP}/tables/mediators.csv, which {TOP}/datapackage.json "
                                                  "names as the path of resource 'mediators'; refused")
    nothing_in(temp)
    assert opened == [f"{TOP}/datapackage.json"] * 2
