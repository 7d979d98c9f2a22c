"""Seeing the website as a reader does: serve a built site on 127.0.0.1 and photograph its pages
with a real browser (Debian's ``chromium``, driven by Playwright).

The build uses this to write the screenshots in ``docs/`` that the README shows; the browser tests
serve the site the same way.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from painimmune.errors import MissingDependencyError, PainimmuneError

DESKTOP = (1280, 800)  # the window a reader at an ordinary desktop screen has
PHONE = (390, 844)  # a phone's screen, in CSS pixels
# (page of the site, file in docs/, the element to scroll to the top of the window first or None, window)
SCREENSHOTS = (
    ("conditions/crps.html", "site-entity.png", None, DESKTOP),
    ("conditions/crps.html", "site-entity-phone.png", None, PHONE),
    ("treatments/cox_inhibitor.html", "site-refuting.png", None, DESKTOP),
    ("search.html?q=crps", "site-search-phone.png", None, PHONE),
    ("sources/marchand2005.html", "site-source.png", "#text", DESKTOP),
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve *folder* on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str:
    """The installed chromium executable.

    Raises:
        PainimmuneError: none is installed (the message says how to install it).
    """
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise PainimmuneError("no chromium browser is installed: apt-get install chromium")
    return found


def screenshots(package_root: Path, docs: Path) -> list[Path]:
    """Build the website of the package at *package_root*, and write the screenshots of
    :data:`SCREENSHOTS` into *docs*; returns the files written."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise MissingDependencyError("screenshots need playwright: pip install '.[test]'") from exc
    from painimmune.output import OutputFolder
    from painimmune.site import build_site

    executable = chromium_path()
    folder = OutputFolder(docs)
    written = []
    with tempfile.TemporaryDirectory() as scratch, serve(Path(scratch)) as base, sync_playwright() as playwright:
        build_site(scratch, package_root)
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        for address, name, anchor, (width, height) in SCREENSHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + address)
            page.wait_for_load_state("load")
            if anchor:
                page.evaluate(f"window.scrollTo(0, document.querySelector({anchor!r}).offsetTop - 16)")
            with folder.writing(name) as temp:
                page.screenshot(path=str(temp), type="png")
            written.append(folder.target(name))
            page.close()
        browser.close()
    return written
