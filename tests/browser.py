"""A headless browser for the tests (Debian's chromium and chromedriver, driven by Selenium).

On a developer's machine without a browser the browser tests are skipped, with the reason shown;
in CI (.ci/run installs the browser, CI=true) a missing browser fails them instead.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver",
)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM and CHROMEDRIVER):
        pytest.fail("chromium and chromedriver are not installed (.ci/run installs them)")

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    # The browser's console (CSP violations, failed loads) for the tests to read: get_log("browser")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


# --- accessibility, phone and screenshot helpers (tests/test_accessibility.py and the journey)

ROOT = Path(__file__).resolve().parents[1]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")  # the impacts a page may not have (issue 14, item 9)
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}

_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(result => done(result.violations))
  .catch(error => done("axe failed: " + error));
"""


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(driver) -> list[dict]:
    """axe-core's violations on the page open in `driver` (every rule axe runs by default).

    axe is injected through WebDriver's execute_script, which Chromium evaluates through the
    DevTools protocol: the page's Content-Security-Policy (no script at all) governs the page's
    own scripts, not this, so nothing is relaxed for the test (test_accessibility checks that the
    policy still blocks an inline script on the same page)."""
    driver.set_script_timeout(60)
    driver.execute_script(_axe_source())
    assert driver.execute_script("return typeof window.axe === 'object'"), "axe was not injected"
    found = driver.execute_async_script(_RUN_AXE)
    assert not isinstance(found, str), found
    return found


def describe_violations(page: str, violations: list[dict]) -> list[str]:
    """One line per violation: page, rule id, impact, how many nodes, the first target."""
    return [
        f"{page}: {v['id']} ({v['impact']}, {len(v['nodes'])} node(s)) at "
        f"{v['nodes'][0]['target'] if v['nodes'] else '?'}: {v['help']}"
        for v in violations
    ]


@contextmanager
def phone(driver) -> Iterator:
    """The browser as a 390×844 phone (mobile viewport, so the page's meta viewport applies)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        yield driver
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@contextmanager
def desktop(driver, width: int = 1280, height: int = 900) -> Iterator:
    """The browser as a desktop window of `width`×`height` CSS pixels (for screenshots)."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        yield driver
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def artefacts_dir() -> Path:
    """Where the browser tests leave their screenshots: $KRAKOW_CLUSTERS_ARTEFACTS, else
    test-artefacts/ of the checkout (git-ignored)."""
    folder = Path(os.environ.get("KRAKOW_CLUSTERS_ARTEFACTS") or ROOT / "test-artefacts")
    return folder / "screenshots"


def save_screenshot(driver, name: str) -> Path:
    """A PNG of the viewport as `name`.png in the artefacts folder; its path."""
    folder = artefacts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"no screenshot of {name}"
    return path
