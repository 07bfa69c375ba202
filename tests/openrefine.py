"""Debian's OpenRefine (package `openrefine`) as a real reconciliation client, on 127.0.0.1.

Started through the package's launcher on a free port with a temporary workspace (its data dir,
and HOME, so nothing is written to the user's home), headless (no browser is opened), with a small
heap; waited for until it answers; stopped by its process group (the launcher execs Java, which
may start helpers). On a machine without the package the test is skipped with the reason shown;
in CI (.ci/run installs it, CI=true) a missing package fails it instead.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from .servers import free_port

LAUNCHER = Path("/usr/share/openrefine/refine")

needs_openrefine = pytest.mark.skipif(
    not LAUNCHER.exists() and not os.environ.get("CI"),
    reason="Debian's openrefine is not installed (.ci/run installs it)",
)


class OpenRefine:
    """One OpenRefine server and the few commands of its HTTP API that a reconciliation needs."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.log = workspace / "openrefine.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> OpenRefine:
        if not LAUNCHER.exists():
            pytest.fail("openrefine is not installed (.ci/run installs it)")
        self.port = free_port()
        data = self.workspace / "data"
        home = self.workspace / "home"
        data.mkdir(parents=True, exist_ok=True)
        home.mkdir(exist_ok=True)
        # -i/-H: listen on loopback only; -d: the workspace; -m: heap; -w: the package's webapp.
        # The notice of new versions would be fetched by a browser's page only, and no browser
        # loads one here.
        command = [str(LAUNCHER), "-i", "127.0.0.1", "-H", "127.0.0.1", "-p", str(self.port)]
        command += ["-d", str(data), "-m", "512M", "-w", "webapp"]
        # JDK_JAVA_OPTIONS is read by the java launcher itself (the script's JAVA_OPTIONS would
        # reach java as one argument): headless, so that no browser is opened.
        java = ["-Drefine.headless=true", "-Djava.awt.headless=true"]
        env = {**os.environ, "HOME": str(home), "JDK_JAVA_OPTIONS": " ".join(java)}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=LAUNCHER.parent,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.token()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"OpenRefine did not start; log:\n{self.log.read_text(errors='replace')}"
        )

    def stop(self) -> None:
        """SIGTERM to the whole process group, then SIGKILL if it is still there after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    # -- its HTTP API

    def _open(self, path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        return urllib.request.urlopen(request, timeout=60)

    def _json(self, path: str, data: dict | None = None) -> dict:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self._open(path, body) as response:
            return json.loads(response.read())

    def token(self) -> str:
        """A CSRF token, which every command that changes something needs."""
        return self._json("/command/core/get-csrf-token")["token"]

    def create_project(self, name: str, csv_text: str) -> str:
        """The id of a new project made from `csv_text` (first line: the column names)."""
        boundary = uuid.uuid4().hex
        options = {"separator": ",", "headerLines": 1, "encoding": "UTF-8"}
        fields = [
            ("project-name", name, None),
            ("format", "text/line-based/*sv", None),
            ("options", json.dumps(options), None),
            ("project-file", csv_text, "names.csv"),
        ]
        parts = []
        for field, value, filename in fields:
            disposition = f'form-data; name="{field}"'
            if filename:
                disposition += f'; filename="{filename}"\r\nContent-Type: text/csv'
            parts.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n{value}\r\n")
        body = ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8")
        path = f"/command/core/create-project-from-upload?csrf_token={self.token()}"
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        # The answer redirects to /project?project=ID; the id is read from where it leads.
        with self._open(path, body, headers) as response:
            query = urllib.parse.urlparse(response.url).query
        return urllib.parse.parse_qs(query)["project"][0]

    def reconcile(self, project: str, column: str, service: str, manifest: dict, type_id: str):
        """Start reconciling `column` against `service` (as its dialog would), auto-matching."""
        type_name = next(t["name"] for t in manifest["defaultTypes"] if t["id"] == type_id)
        config = {
            "mode": "standard-service",
            "service": service,
            "identifierSpace": manifest["identifierSpace"],
            "schemaSpace": manifest["schemaSpace"],
            "type": {"id": type_id, "name": type_name},
            "autoMatch": True,
            "columnDetails": [],
            "limit": 0,
        }
        path = f"/command/core/reconcile?project={project}&csrf_token={self.token()}"
        engine = {"mode": "row-based", "facets": []}
        form = {"columnName": column, "config": json.dumps(config), "engine": json.dumps(engine)}
        return self._json(path, form)

    def wait_idle(self, project: str, timeout: float = 60.0) -> None:
        """Wait until the project has no process running (the reconciliation is done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._json(f"/command/core/get-processes?project={project}")["processes"]:
                return
            time.sleep(0.3)
        raise TimeoutError("OpenRefine's reconciliation did not finish")

    def rows(self, project: str) -> dict:
        return self._json(f"/command/core/get-rows?project={project}&start=0&limit=100")
