"""End to end: `biasaudit dashboard` served headless on a free port, driven in Debian's Chromium by playwright.

playwright only drives the system browser (/usr/bin/chromium, which .ci/run installs with apt); it never
downloads one. Without Chromium the test skips on a developer machine and FAILS under CI=true.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_dashboard import SCRIPT_TEXT, _corpus

import biasaudit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(url, scan dir): the dashboard on one scan, stopped after the module."""
    root = tmp_path_factory.mktemp("e2e")
    scan_dir = root / "scan"
    biasaudit.scan(str(_corpus(root / "corpus.jsonl")), out=scan_dir, dialogue=True, progress=False)
    port = free_port()
    log = (root / "dashboard.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "biasaudit", "dashboard", str(scan_dir), "--port", str(port),
                             "--headless"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dashboard did not start: {(root / 'dashboard.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield url, scan_dir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_overview_and_records_in_a_real_browser(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, scan_dir = served
    report = json.loads((scan_dir / "report.json").read_text())
    counts = report["counts"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            values = page.get_by_test_id("stMetricValue")
            expect(values).to_have_text([f"{counts['read']:,}", f"{counts['scored']:,}",
                                         f"{counts['rejected']:,}"], timeout=30_000)
            charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
            expect(charts.first).to_be_visible(timeout=30_000)  # the plots drew
            page.screenshot(path=tmp_path / "overview.png")

            page.get_by_test_id("stSidebar").get_by_test_id("stRadioGroup").get_by_text("Records", exact=True).click()
            expect(page.get_by_text("Content warning", exact=False)).to_be_visible()
            expect(values).to_have_text([f"{counts['scored']:,}"])
            page.get_by_label("Text contains").fill("<script>")
            page.get_by_label("Text contains").press("Enter")
            expect(values).to_have_text(["1"])
            shown = page.get_by_test_id("stText")
            expect(shown).to_have_text(SCRIPT_TEXT)  # the markup is shown as text ...
            assert shown.locator("script").count() == 0  # ... not made an element
            assert page.title() == "biasaudit"  # ... and never ran (it would retitle the page)
            page.screenshot(path=tmp_path / "records.png", full_page=True)

            section = report["sections"]["filtered_out"]  # hate ran: the default policy's section
            page.get_by_test_id("stSidebar").get_by_test_id("stRadioGroup").get_by_text(
                "Who gets filtered out", exact=True).click()
            flagged = f"{section['dropped']['count']:,} of {counts['scored']:,}"
            expect(values.first).to_have_text(flagged, timeout=30_000)  # the report's section, then the live view
            expect(values.nth(1)).to_have_text(flagged)  # at the policy's own threshold: the same count
            expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        finally:
            browser.close()
    assert (tmp_path / "overview.png").stat().st_size > 10_000 and (tmp_path / "records.png").stat().st_size > 10_000


def test_upload_scan_and_save_in_a_real_browser(served, tmp_path):
    """The Scan page: upload a corpus through the browser, scan it with one analyzer, save the scan directory."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = served
    corpus = tmp_path / "uploaded.jsonl"
    texts = ["What a lovely morning.", "This is a terrible idea.", "The train leaves at noon."]
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    saved = tmp_path / "saved-scan"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_test_id("stSidebar").get_by_test_id("stRadioGroup").get_by_text("Scan", exact=True).click()
            page.get_by_test_id("stRadioGroup").filter(has_text="Local file").get_by_text("Upload", exact=True).click()
            page.locator("input[type='file']").set_input_files(str(corpus))
            expect(page.get_by_text("uploaded.jsonl").first).to_be_visible(timeout=30_000)
            run = page.get_by_role("button", name="Run scan")
            expect(run).to_be_enabled(timeout=30_000)
            run.click()
            expect(page.get_by_text("Scanned 3 records (0 rejected)")).to_be_visible(timeout=60_000)
            page.get_by_label("Save to (a new or empty directory)").fill(str(saved))
            page.get_by_label("Save to (a new or empty directory)").press("Enter")
            page.get_by_role("button", name="Save").click()
            expect(page.get_by_text(f"Saved to {saved}")).to_be_visible(timeout=30_000)
        finally:
            browser.close()
    report = json.loads((saved / "report.json").read_text())
    assert report["counts"]["scored"] == 3 and (saved / "records.parquet").exists()
    direct = biasaudit.analyze(texts, "sentiment")["vader_compound"]
    assert report["scores"]["vader_compound"]["mean"] == pytest.approx(direct.mean(), abs=1e-12)
