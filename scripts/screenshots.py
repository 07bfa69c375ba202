"""Regenerate the README's screenshots (docs/screenshots/*.png): maintenance only, never imported.

Builds a release of the real data into a temporary folder, serves it with `krakow-clusters serve`
on a free loopback port, opens the pages in headless Debian chromium (Selenium, from the test
extra) at 1280×900 CSS pixels and writes one PNG per page, then stops the server by its pid.
PNGs are recompressed with optipng when it is installed (apt-get install optipng).

    make screenshots        # or: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1280, 900
PHONE = (390, 844)  # a phone's window, in CSS pixels
# file name -> (path on serve, window size)
PAGES = {
    "home.png": ("/en/", (WIDTH, HEIGHT)),
    "cluster.png": ("/en/id/cluster/lifescience-krakow", (WIDTH, HEIGHT)),
    "cluster-pl.png": ("/pl/id/cluster/lifescience-krakow", (WIDTH, HEIGHT)),
    "search.png": ("/en/search?q=klaster+filmowy", (WIDTH, HEIGHT)),
    "query-table.png": ("/en/queries/overview", (WIDTH, HEIGHT)),
    "home-phone.png": ("/pl/", PHONE),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"screenshots: serve stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    sys.exit("screenshots: serve did not answer in time")


def shoot(base: str) -> list[Path]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        sys.exit("screenshots: needs chromium and chromedriver (apt-get install chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    written = []
    try:
        OUT.mkdir(parents=True, exist_ok=True)
        for name, (path, (width, height)) in PAGES.items():
            mobile = (width, height) == PHONE
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            driver.get(base + path)
            target = OUT / name
            if not driver.save_screenshot(str(target)):
                sys.exit(f"screenshots: no screenshot of {path}")
            written.append(target)
    finally:
        driver.quit()
    return written


def main() -> None:
    command = Path(sys.executable).with_name("krakow-clusters")
    with tempfile.TemporaryDirectory(prefix="krakow-screenshots-") as tmp:
        dist = Path(tmp) / "dist"
        subprocess.run([str(command), "build", "--out", str(dist)], check=True, cwd=ROOT)
        port = free_port()
        with open(Path(tmp) / "serve.log", "wb") as log:
            server = subprocess.Popen(
                [str(command), "serve", "--host", "127.0.0.1", "--port", str(port)]
                + ["--dist", str(dist)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/", server)
            written = shoot(base)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    optipng = shutil.which("optipng")
    for path in written:
        if optipng:
            subprocess.run([optipng, "-quiet", "-o2", str(path)], check=True)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
