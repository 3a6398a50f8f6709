"""Regenerate the README's screenshots (run by `make screenshots`).

It serves the demo roadmap from a throwaway SQLite database on a free local port, opens each page
of ``SHOTS`` in Debian's Chromium, in its language and at its width, and saves it in
roadmap/static/roadmap/screenshots/.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent.parent
OUTPUT = ROOT / "roadmap" / "static" / "roadmap" / "screenshots"
DESKTOP = {"width": 1280, "height": 1100}
PHONE = {"width": 390, "height": 844}
# File name, path, language, viewport.
SHOTS = [
    ("dashboard.png", "/", "en", DESKTOP),
    ("milestone.png", "/milestones/sec-first-phase-public-comment/", "en", DESKTOP),
    ("comparison.png", "/compare/", "en", DESKTOP),
    ("comparison-zh-hans.png", "/compare/", "zh-hans", DESKTOP),
    ("phone.png", "/", "en", PHONE),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - our own local server
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise SystemExit(f"the server at {url} did not answer")


def main() -> None:
    with tempfile.TemporaryDirectory() as var:
        env = os.environ | {"DJANGO_DEBUG": "1", "DJANGO_VAR_DIR": var, "DATABASE_URL": ""}
        env.pop("REDIS_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "--noinput", "-v0"], ["load_demo_roadmap"]):
            subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT)  # noqa: S603
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT
        )
        try:
            site = f"http://127.0.0.1:{port}"
            _wait_for(f"{site}/")
            OUTPUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                for name, path, language, viewport in SHOTS:
                    _shoot(browser, f"{site}{path}?lang={language}", viewport, OUTPUT / name)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


def _shoot(browser, url: str, viewport: dict, output: Path) -> None:
    # A fresh context per shot: the language link sets a cookie, which must not carry over.
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    page.screenshot(path=output)
    context.close()
    print(f"Saved {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
