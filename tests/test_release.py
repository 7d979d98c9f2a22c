"""scripts/release.py: reproducible artefacts that each give a user the full dataset; diffs between builds."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import painimmune as pim
from conftest import ROOT, require_registry, run_cli
from painimmune.export.archive import ZIP_EPOCH_FLOOR, data_members, write_zip
from painimmune.package.descriptor import DataPackage
from rows import edit_rows

BIN = Path(sys.executable).parent


def copy_checkout(target: Path) -> Path:
    """The files of this checkout that git would commit (tracked or new, not ignored), without .git."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def release(checkout: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(checkout / "scripts" / "release.py"), "--out", str(out)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The release built twice from the same checkout, into two directories; the second is an earlier
    release's folder whose ``SHA256SUMS`` is now a symbolic link pointing at a file outside it.
    Building the wheel (``python -m build``) installs the build backend from the package registry."""
    require_registry()
    base = tmp_path_factory.mktemp("release")
    checkout = copy_checkout(base / "checkout")
    (base / "second").mkdir()
    (base / "victim.txt").write_text("keep me")
    (base / "second" / ".painimmune-output.json").write_text(json.dumps({"command": "scripts/release.py", "files": ["SHA256SUMS"]}))
    (base / "second" / "SHA256SUMS").symlink_to(base / "victim.txt")
    outs = []
    for name in ("first", "second"):
        result = release(checkout, base / name)
        assert result.returncode == 0, result.stderr
        outs.append(base / name)
    return outs[0], outs[1]


@pytest.mark.tools
def test_a_release_replaces_a_symlink_in_its_folder_and_never_writes_through_it(releases):
    second = releases[1]
    assert (second.parent / "victim.txt").read_text() == "keep me"
    assert not (second / "SHA256SUMS").is_symlink()
    assert not list(second.glob(".*.part")) and not list(second.glob(".painimmune-staging-*")), "a temporary file was left behind"


@pytest.mark.tools
def test_two_runs_give_byte_identical_artefacts_and_checksums(releases):
    first, second = releases
    version = pim.__version__
    assert (first / ".painimmune-output.json").is_file()  # the marker that lets the next release replace this one
    names = sorted(path.name for path in first.iterdir() if path.name != ".painimmune-output.json")
    assert names == sorted(["SHA256SUMS", f"painimmune-{version}-data.zip", f"painimmune-{version}-py3-none-any.whl",
                            f"painimmune-{version}.tar.gz"])
    assert all((first / name).read_bytes() == (second / name).read_bytes() for name in names)
    sums = (first / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sums == [f"{hashlib.sha256((first / n).read_bytes()).hexdigest()}  {n}" for n in names if n != "SHA256SUMS"]
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=first, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.tools
def test_data_zip_is_the_full_dataset(releases, tmp_path):
    archive = releases[0] / f"painimmune-{pim.__version__}-data.zip"
    with zipfile.ZipFile(archive) as handle:
        names = handle.namelist()
        handle.extractall(tmp_path)
    assert names == sorted(names)
    top = tmp_path / f"painimmune-{pim.__version__}"
    for name in ("datapackage.json", "CITATION.cff", "croissant.json", "README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA"):
        assert (top / name).is_file(), name
    frictionless = subprocess.run([str(BIN / "frictionless"), "validate", str(top / "datapackage.json")], capture_output=True, text=True)
    assert frictionless.returncode == 0, frictionless.stdout[-3000:]
    assert run_cli("validate", top).returncode == 0
    frames = pim.load_all(top)
    assert {name: len(frame) for name, frame in frames.items()} == {name: len(frame) for name, frame in pim.load_all().items()}


@pytest.mark.tools
def test_wheel_installed_outside_the_repository_serves_every_table(releases, tmp_path):
    wheel = next(releases[0].glob("painimmune-*.whl"))
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    code = ("import painimmune as pim, painimmune.package.locate as l;"
            "frames = pim.load_all(); assert all(len(f) > 0 for f in frames.values());"
            "assert 'site-packages' in str(l.default_root());"
            "print(pim.__version__, sum(len(f) for f in frames.values()))")
    loaded = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == [pim.__version__, str(sum(len(f) for f in pim.load_all().values()))]
    cli = env / "bin" / "painimmune"
    assert subprocess.run([str(cli), "--version"], capture_output=True, text=True, cwd=tmp_path).stdout.strip() == f"painimmune {pim.__version__}"
    cited = subprocess.run([str(cli), "cite", "--format", "cff"], capture_output=True, text=True, cwd=tmp_path)
    assert cited.returncode == 0 and cited.stdout == (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    about = subprocess.run([str(cli), "about", "crps"], capture_output=True, text=True, cwd=tmp_path)
    assert about.returncode == 0 and "evidence: " in about.stdout, about.stderr
    # The light install has no validators, and says in one line what to install.
    installed = subprocess.run([str(python), "-m", "pip", "list", "--format", "freeze"], capture_output=True, text=True).stdout
    assert not {"pandera", "frictionless"} & {line.split("==")[0].lower() for line in installed.splitlines()}
    unvalidated = subprocess.run([str(cli), "validate"], capture_output=True, text=True, cwd=tmp_path)
    assert unvalidated.returncode == 1
    assert unvalidated.stderr.splitlines() == ["painimmune: validation needs pandera and frictionless, which are not installed: "
                                               "pip install 'painimmune[validate]'"]
    extra = subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[validate]"], capture_output=True, text=True)
    assert extra.returncode == 0, extra.stderr[-2000:]
    validated = subprocess.run([str(cli), "validate"], capture_output=True, text=True, cwd=tmp_path)
    assert validated.returncode == 0 and "has no sources/ folder" in validated.stderr  # the wheel has no source texts, and says so
    # The website of the installed release: one command after the [site] extra.
    nosite = subprocess.run([str(cli), "site", "--out", str(tmp_path / "www")], capture_output=True, text=True, cwd=tmp_path)
    assert nosite.returncode == 1 and "pip install 'painimmune[site]'" in nosite.stderr and "Traceback" not in nosite.stderr
    site_extra = subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[site]"], capture_output=True, text=True)
    assert site_extra.returncode == 0, site_extra.stderr[-2000:]
    built = subprocess.run([str(cli), "site", "--out", str(tmp_path / "www")], capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "www" / "conditions" / "crps.html").is_file()
    assert "are not republished" in (tmp_path / "www" / "sources" / "marchand2005.html").read_text(encoding="utf-8")


def test_release_refuses_uncommitted_changes(tmp_path):
    checkout = copy_checkout(tmp_path / "checkout")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "snapshot"]):
        subprocess.run(command, cwd=checkout, env=env, check=True, capture_output=True)
    with (checkout / "README.md").open("a", encoding="utf-8") as handle:
        handle.write("\nan edit\n")
    result = release(checkout, tmp_path / "out")
    assert result.returncode == 1 and "uncommitted changes" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.tools
def test_diff_shows_a_real_difference_between_two_builds(releases, package_copy):
    archive = releases[0] / f"painimmune-{pim.__version__}-data.zip"
    unchanged = run_cli("diff", archive, package_copy, "--format", "json")
    assert unchanged.returncode == 0
    assert all(not (t["added"] or t["removed"] or t["changed"]) for t in json.loads(unchanged.stdout)["tables"].values())

    path = package_copy / "tables" / "mediators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Adrenoceptor beta 2;", "Adrenoceptor beta-2;"), encoding="utf-8")
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "--root", str(package_copy)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr

    as_json = json.loads(run_cli("diff", archive, package_copy, "--format", "json").stdout)
    mediators = as_json["tables"]["mediators"]
    assert mediators["changed"] == [{"key": "adrb2", "columns": {"description": [
        "Adrenoceptor beta 2; a target of autoantibodies in complex regional pain syndrome.",
        "Adrenoceptor beta-2; a target of autoantibodies in complex regional pain syndrome."]}}]
    assert mediators["added"] == mediators["removed"] == []
    assert sum(len(t["changed"]) for t in as_json["tables"].values()) == 1
    text = run_cli("diff", archive, package_copy)
    assert text.returncode == 0
    assert "mediators: 0 added, 0 removed, 1 changed\n  ~ adrb2: description\n" in text.stdout


@pytest.mark.slow  # several seconds: CI runs it (.ci/run), the fast run does not
def test_diff_lists_added_and_removed_rows(tmp_path, package_copy):
    old = tmp_path / "old"
    shutil.copytree(package_copy, old)
    with edit_rows(package_copy, "mediator_interactions") as rows:
        removed = rows.keys()[0]
        rows.copy(removed, id="mi9000")
        rows.remove(removed)
    unbuilt = run_cli("diff", old, package_copy)
    assert unbuilt.returncode == 1 and "Traceback" not in unbuilt.stderr
    assert "mediator_interactions: tables/mediator_interactions.csv: the file does not match the sha256 hash" in unbuilt.stderr
    build = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "--root", str(package_copy)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    result = run_cli("diff", old, package_copy, "--format", "json")
    table = json.loads(result.stdout)["tables"]["mediator_interactions"]
    assert table["added"] == ["mi9000"] and table["removed"] == [removed] and table["changed"] == []
    # As text, only the changed table is listed; --exit-code says whether the tables differ, like git diff.
    text = run_cli("diff", old, package_copy, "--exit-code")
    assert text.returncode == 1, text.stderr
    assert text.stdout.splitlines()[1:] == ["mediator_interactions: 1 added, 1 removed, 0 changed", "  + mi9000", f"  - {removed}"]
    assert run_cli("diff", old, package_copy).returncode == 0  # without --exit-code, a difference is not a failure
    same = run_cli("diff", old, old, "--exit-code")
    assert same.returncode == 0 and same.stdout.splitlines()[1:] == [f"no differences in {len(pim.tables())} tables"]


def test_every_link_of_the_data_zip_readme_leads_to_a_file_it_holds(tmp_path):
    """The data zip's Markdown files link only to what the zip holds; other links keep their text."""
    members = data_members(DataPackage(ROOT))
    archive = write_zip(tmp_path / "data.zip", "top", members, ZIP_EPOCH_FLOOR)
    with zipfile.ZipFile(archive) as handle:
        held = {name.removeprefix("top/") for name in handle.namelist()}
        pages = {name.removeprefix("top/"): handle.read(name).decode("utf-8") for name in handle.namelist() if name.endswith(".md")}
    assert "README.md" in pages and "docs/data-dictionary.md" in held
    for page, text in pages.items():
        for target in re.findall(r"\]\(([^()\s]+)\)", text):
            if not re.match(r"[a-z][a-z0-9+.-]*:|#", target):
                assert posixpath.normpath(posixpath.join(posixpath.dirname(page), target.split("#")[0])) in held, (page, target)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[benchmarks/results.md](benchmarks/results.md)" in readme  # the checkout's README links to it; the zip's says it
    assert "benchmarks/results.md" in pages["README.md"] and "(benchmarks/results.md)" not in pages["README.md"]


def test_diff_of_something_that_is_not_a_package_is_one_clear_line(tmp_path):
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as archive:
        archive.writestr("notes.txt", "not a data package")
    result = run_cli("diff", tmp_path / "x.zip", ROOT)
    assert result.returncode == 1 and "x.zip: holds no package" in result.stderr and "Traceback" not in result.stderr


def _release_script():
    """scripts/release.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("release_script", ROOT / "scripts" / "release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _installed_copy(target: Path) -> Path:
    """The package as the wheel installs it (``painimmune/_data``), laid out from pyproject.toml's force-include."""
    for source, destination in _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"].items():
        placed = target / destination.removeprefix("painimmune/_data/")
        placed.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (ROOT / source).is_dir() else shutil.copyfile)(ROOT / source, placed)
    return target


def test_the_site_and_the_release_offer_the_same_data_zip_from_a_checkout_or_an_installed_copy(tmp_path):
    from painimmune.export.archive import write_data_zip
    from painimmune.output import OutputFolder
    from painimmune.site.downloads import write_downloads

    released = _release_script().build_data_zip(ROOT, tmp_path / "release.zip").read_bytes()
    [download, *_] = write_downloads(DataPackage(ROOT), OutputFolder(tmp_path / "site"))
    assert (tmp_path / "site" / download.path).read_bytes() == released
    installed = write_data_zip(DataPackage(_installed_copy(tmp_path / "installed")), tmp_path / "installed.zip")
    assert installed.read_bytes() == released
    with zipfile.ZipFile(io.BytesIO(released)) as archive:
        names = archive.namelist()
        stamps = {info.date_time for info in archive.infolist()}
    assert names == sorted(names) and stamps == {_zip_time(DataPackage(ROOT).descriptor["created"])}  # the release date


def _zip_time(created: str) -> tuple[int, ...]:
    from datetime import datetime

    return datetime.fromisoformat(created.replace("Z", "+00:00")).timetuple()[:6]


def _passages_not_encoded() -> list[str]:
    """The passages of the source texts that no row quotes and that are longer than their opening, whitespace squashed
    (a document's title, which its bibliographic record names, aside)."""
    texts = {path.stem: path.read_text(encoding="utf-8") for path in (ROOT / "sources").glob("*.txt")}
    frame = pim.load("not_encoded")
    titles = " ".join(pim.load("sources")["title"].dropna())  # a title is the document's bibliographic record, not an excerpt
    passages = [" ".join(texts[row.source_id][row.quote_start:row.quote_start + row.length].split()) for row in frame.itertuples()]
    return [passage for passage in passages if len(passage.split()) > 5 and passage not in titles]


def _files(root: Path, includes: list[str]) -> dict[str, bytes]:
    found = {}
    for include in includes:
        path = root / include.lstrip("/")
        for file in ([path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []):
            if file.is_file() and "__pycache__" not in file.parts:
                found[file.relative_to(root).as_posix()] = file.read_bytes()
    return found


def test_no_release_artefact_holds_a_source_text(tmp_path):
    """The sdist (pyproject's include), the wheel (its package and data) and the data zip hold no
    source text and no passage that no row quotes: only the rows' quotes and the passages' openings."""
    targets = _pyproject()["tool"]["hatch"]["build"]["targets"]
    assert not any(include.strip("/").startswith("sources") for include in targets["sdist"]["include"])
    shipped = {
        "sdist": _files(ROOT, targets["sdist"]["include"]),
        "wheel": {**_files(ROOT, ["src/painimmune"]), **_files(_installed_copy(tmp_path / "installed"), ["."])},
        "data zip": data_members(DataPackage(ROOT)),
    }
    passages = _passages_not_encoded()
    assert len(passages) > 40
    problems = []
    for artefact, files in shipped.items():
        assert not [name for name in files if name.startswith("sources/") or "/sources/" in name], artefact
        for name, data in files.items():
            text = " ".join(data.decode("utf-8", errors="replace").split())
            held = [passage[:60] for passage in passages if passage in text]
            problems.extend((artefact, name, passage) for passage in held)
    assert not problems


def test_the_data_licence_keeps_every_verbatim_column_out_of_cc0():
    licence = " ".join((ROOT / "LICENSE-DATA").read_text(encoding="utf-8").split())
    assert "NOT under CC0" in licence and "The source texts themselves are not distributed" in licence
    for table in DataPackage(ROOT).relationship_tables:
        assert table in licence, table
    assert "the `quote` column of every relationship table" in licence and "the `opening` column of not_encoded" in licence


def test_the_tables_let_a_reader_rebuild_little_more_of_a_source_than_the_rows_quote():
    """The rows' quotes and the openings of the passages not encoded, at their offsets, cover at most
    5 percentage points more of each source text than the quotes alone (benchmarks/rights.md)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import rights

    shares = rights.data_exactly(ROOT)
    assert set(shares) == {"calvo2012", "fmpm", "marchand2005", "tannenbaum"}
    for source, (rows, data) in shares.items():
        assert rows <= data <= rows + rights.MARGIN, (source, rows, data)
