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


# --- issue 22: the release workflow, the release record, releases named by version -----------------

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _workflow() -> dict:
    """The release workflow, parsed with PyYAML (a test dependency of the venv; skipped without it)."""
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return {("on" if key is True else key): value for key, value in loaded.items()}  # YAML 1.1 reads `on` as True


def test_the_release_workflow_attaches_exactly_what_release_py_writes_and_publishes_it():
    workflow = _workflow()
    assert workflow["on"]["push"]["tags"] == ["v*"]
    jobs = workflow["jobs"]
    build_runs = [step.get("run", "") for step in jobs["build"]["steps"]]
    assert any(run.strip() == ".ci/run" for run in build_runs)
    assert any("python scripts/release.py --out dist" in run for run in build_runs)
    exports = "\n".join(build_runs)
    for fmt in ("kgx", "sssom", "sqlite"):
        assert f"painimmune export --format {fmt}" in exports
    # The GitHub release: the files release.py writes (its own artefact_names), no more, no fewer, from dist/.
    placeholder = "${{ needs.build.outputs.version }}"
    upload = next(step for step in jobs["github-release"]["steps"] if step.get("uses", "").startswith("softprops/action-gh-release@"))
    files = [line.strip() for line in upload["with"]["files"].splitlines() if line.strip()]
    assert sorted(name.removeprefix("dist/") for name in files if name.startswith("dist/")) == _release_script().artefact_names(placeholder)
    assert {f"assets/painimmune-{placeholder}-{kind}" for kind in ("kgx.zip", "sqlite.zip", "croissant.json")} <= set(files)
    assert f"assets/painimmune-{placeholder}.sssom.tsv" in files
    # Pages and PyPI: the right permissions, trusted publishing without a token.
    assert jobs["pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(step.get("uses") == "actions/upload-pages-artifact@v3" for step in jobs["build"]["steps"])
    assert any(step.get("uses") == "actions/deploy-pages@v4" for step in jobs["pages"]["steps"])
    pypi = next(step for step in jobs["pypi"]["steps"] if step.get("uses", "").startswith("pypa/gh-action-pypi-publish@"))
    assert jobs["pypi"]["permissions"]["id-token"] == "write" and "password" not in pypi.get("with", {})
    # Every action pinned to a major version (or the publisher's release branch).
    uses = [step["uses"] for job in jobs.values() for step in job["steps"] if "uses" in step]
    assert all(re.search(r"@(v\d+|release/v\d+)$", use) for use in uses), uses


def test_the_release_workflow_builds_the_site_without_the_source_texts():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "--include-source-texts" not in text
    assert "painimmune site --out site" in text
    assert ".zenodo.json" in text  # the comment saying where the DOI comes from


def test_the_release_record_is_written_by_release_py_from_sha256sums(tmp_path):
    from painimmune.releases import RECORD, Release, checksums, read_record, write_record

    sums = "a" * 64 + "  SHA256SUMS-not\n" + "1" * 64 + "  painimmune-9.0.0-data.zip\n" + "2" * 64 + \
        "  painimmune-9.0.0-py3-none-any.whl\n" + "3" * 64 + "  painimmune-9.0.0.tar.gz\n"
    assert checksums(sums) == {"data_zip": "1" * 64, "wheel": "2" * 64, "sdist": "3" * 64}
    record = tmp_path / RECORD
    write_record(record, Release("10.0.0", "c2", "2027-01-02", {}, "later"))
    write_record(record, Release("9.0.0", "c1", "2027-01-01", checksums(sums)))
    write_record(record, Release("9.0.0", "c1b", "2027-01-01", checksums(sums)))  # the same version again replaces its row
    assert [(row.version, row.commit) for row in read_record(record)] == [("9.0.0", "c1b"), ("10.0.0", "c2")]
    assert read_record(record)[0].sha256["wheel"] == "2" * 64


def test_the_release_record_holds_every_release_made_so_far():
    from painimmune.releases import RECORD, read_record

    releases = {row.version: row for row in read_record(ROOT / RECORD)}
    assert {"1.0.0", "2.0.0", "3.0.0", "3.1.0", "4.0.0"} <= set(releases)
    assert releases[pim.__version__].version == pim.__version__ or pim.__version__ in releases
    for row in releases.values():
        assert re.fullmatch(r"[0-9a-f]{40}", row.commit) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.date)
        assert all(row.sha256.values()) or "never built" in row.note


def _has_commits(*versions: str) -> bool:
    from painimmune.releases import RECORD, read_record

    commits = {row.version: row.commit for row in read_record(ROOT / RECORD)}
    return all(subprocess.run(["git", "cat-file", "-e", f"{commits.get(v, 'missing')}^{{commit}}"], cwd=ROOT,
                              capture_output=True).returncode == 0 for v in versions)


def test_diff_names_releases_by_version_from_git_and_says_what_it_could_not_verify():
    if not _has_commits("1.0.0", "2.0.0"):
        pytest.skip("this clone does not hold the commits of 1.0.0 and 2.0.0 (a shallow clone)")
    same = run_cli("diff", "1.0.0", "2.0.0", cwd=ROOT)
    assert same.returncode == 0, same.stderr
    assert same.stdout.startswith("painimmune 1.0.0 -> 2.0.0\n") and "relations (table added)" in same.stdout
    # 1.0.0 records no hash of its schemas: diffed anyway, and each unverified file is named on stderr.
    assert "1.0.0: schemas/mediators.json: datapackage.json records no hash" in same.stderr and "Traceback" not in same.stderr
    differs = run_cli("diff", "1.0.0", "2.0.0", "--exit-code", "--format", "json", cwd=ROOT)
    assert differs.returncode == 1 and json.loads(differs.stdout)["new_version"] == "2.0.0"


def test_diff_names_the_rows_that_fill_a_column_the_older_release_lacks():
    if not _has_commits("4.1.0"):
        pytest.skip("this clone does not hold the commit of 4.1.0 (a shallow clone)")
    result = run_cli("diff", "4.1.0", ".", "--format", "json", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    table = json.loads(result.stdout)["tables"]["cell_conditions"]
    assert table["columns_added"] == ["modal_verb"]
    changed = {row["key"]: row["columns"] for row in table["changed"]}
    assert changed["cc0026"] == {"modal_verb": ["", "can"]} and changed["cc0040"] == {"modal_verb": ["", "may"]}
    assert "cc0001" not in changed  # a row that leaves the new column empty is unchanged


def test_diff_of_a_version_not_in_the_record_or_outside_git_is_one_line(tmp_path):
    from conftest import one_line_refusal

    one_line_refusal(run_cli("diff", "9.9.9", ".", cwd=ROOT), "release 9.9.9 is not in", "releases.csv")
    if subprocess.run(["git", "rev-parse"], cwd=tmp_path, capture_output=True).returncode != 0:
        one_line_refusal(run_cli("diff", "1.0.0", ".", cwd=tmp_path), "not in a git checkout")


@pytest.mark.tools
def test_a_release_made_in_a_git_checkout_is_recorded_with_its_commit_and_checksums_and_diff_finds_it(tmp_path):
    """End to end, as the release workflow runs it: scripts/release.py in a clean clone adds the
    release to releases.csv (the clone's HEAD, the release date, the sha256 of each artefact as
    SHA256SUMS lists it and as the files hash), and `painimmune diff VERSION .` then resolves that
    version from the record."""
    from painimmune.releases import RECORD, checksums, read_record

    require_registry()
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    checkout = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(checkout)], check=True, capture_output=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, check=True).stdout.strip()
    version = DataPackage(checkout).version
    out = tmp_path / "dist"
    result = release(checkout, out)
    assert result.returncode == 0, result.stderr
    row = {row.version: row for row in read_record(checkout / RECORD)}[version]
    assert row.commit == head
    assert row.date == DataPackage(checkout).descriptor["created"][:10]
    assert row.note == "written by scripts/release.py"
    listed = checksums((out / "SHA256SUMS").read_text(encoding="utf-8"))
    assert set(listed) == {"wheel", "sdist", "data_zip"} and row.sha256 == listed
    for name in ("painimmune-%s-data.zip" % version, "painimmune-%s-py3-none-any.whl" % version, "painimmune-%s.tar.gz" % version):
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() in listed.values()
    diff = subprocess.run([str(BIN / "painimmune"), "diff", version, "."], cwd=checkout, capture_output=True, text=True)
    assert diff.returncode == 0, diff.stderr
    assert "Traceback" not in diff.stderr
