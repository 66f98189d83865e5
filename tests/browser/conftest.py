"""The Dagster UI as people run it: `dagster-webserver` and `dagster-daemon` as processes on 127.0.0.1, one
temporary Dagster instance and data directory, the sandbox platforms over real HTTP, and Debian's chromium
driven headless by Playwright. Started once for the tests of this folder; torn down (process groups) even when
a test or the start-up fails.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from orchestration.run import SUBSET_PLANNED_EVENTS_ENV
from tests.support.chromium import headless_chromium

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
# Screenshots land here (git-ignored); CI keeps the folder with the run's other output.
ARTIFACTS = REPO / "test-artifacts"
START_TIMEOUT = 180  # seconds for the webserver to load the code location on a busy 2-core machine

_report: list[str] = []  # printed at the end of the pytest run: where the screenshots are, how long it took


def _report_line(line: str) -> None:
    _report.append(line)
    print(line)


def pytest_terminal_summary(terminalreporter):
    if _report:
        terminalreporter.section("Dagster UI in a browser")
        for line in _report:
            terminalreporter.write_line(line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Service:
    name: str
    proc: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} (exit code {self.proc.poll()}), last lines of {self.log}:\n" + "\n".join(
            text.splitlines()[-lines:]
        )

    def stop(self) -> None:
        """SIGTERM to the whole process group (code servers, runs), SIGKILL to what is left after 20 s."""
        for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                self.proc.poll()  # reap the leader, else the group never looks empty
                if not _group_alive(self.proc.pid):
                    return
                time.sleep(0.2)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass
class DagsterUI:
    url: str
    home: Path
    data_dir: Path
    services: list[Service] = field(default_factory=list)

    def logs(self) -> str:
        return "\n".join(s.tail() for s in self.services)

    def check_alive(self) -> None:
        dead = [s for s in self.services if s.proc.poll() is not None]
        if dead:
            pytest.fail("a Dagster process exited:\n" + "\n".join(s.tail() for s in dead), pytrace=False)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = requests.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
        )
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]


def _subprocess_env(home: Path, data_dir: Path, sandbox_urls: str) -> dict[str, str]:
    # Nothing of this test process's own pipeline settings (an end-to-end fixture may have set some, and
    # definitions.py exports SOCIAL_LAKE_URL/SOCIAL_WAREHOUSE_PATH when imported): only ours.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIAL_", "DAGSTER_"))}
    env.update(
        DAGSTER_HOME=str(home),
        SOCIAL_DATA_DIR=str(data_dir),
        SOCIAL_PLATFORM_MODE="sandbox",
        SOCIAL_SANDBOX_URLS=sandbox_urls,
        SOCIAL_SANDBOX_NOW=NOW.isoformat(),
        GX_ANALYTICS_ENABLED="False",
        DO_NOT_TRACK="1",
        PYTHONUNBUFFERED="1",
    )
    # As `make ui` runs them: backfills write one planned event per asset (orchestration/run.py).
    env[SUBSET_PLANNED_EVENTS_ENV] = "true"
    return env


def _start(name: str, args: list[str], env: dict[str, str], logs: Path) -> Service:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Service(name, proc, log)


def _wait_until_loaded(ui: DagsterUI) -> None:
    """Until the webserver answers and its code location is loaded (not an error)."""
    query = """{ workspaceOrError { __typename ... on Workspace { locationEntries {
        name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
    deadline = time.monotonic() + START_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        ui.check_alive()
        try:
            entries = ui.graphql(query)["workspaceOrError"]["locationEntries"]
        except (requests.RequestException, AssertionError, KeyError) as exc:
            last = exc
        else:
            last = entries
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                errors = [e for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
                assert not errors, f"the code location failed to load: {errors}\n{ui.logs()}"
                return
        time.sleep(0.5)
    pytest.fail(f"the webserver did not load the workspace in {START_TIMEOUT} s ({last})\n{ui.logs()}")


@pytest.fixture(scope="package")
def dagster_ui(tmp_path_factory):
    """The webserver and the daemon on one temporary instance, the sandbox's six platforms on loopback."""
    from assets.brand_config import load_brand_config
    from assets.ingest.platform_apis import SUPPORTED
    from sandbox import SandboxServer, World

    base = tmp_path_factory.mktemp("dagster_ui")
    home, data_dir, logs = base / "dagster_home", base / "data", base / "logs"
    for d in (home, data_dir, logs):
        d.mkdir()
    shutil.copy(REPO / "orchestration" / "dagster.yaml", home / "dagster.yaml")

    config = load_brand_config(REPO / "brands.yaml")
    servers = [SandboxServer(World(config, seed=42, now=NOW, platform=p)).start() for p in SUPPORTED]
    env = _subprocess_env(home, data_dir, ",".join(f"{s.world.platform}={s.url}" for s in servers))
    port = _free_port()
    ui = DagsterUI(url=f"http://127.0.0.1:{port}", home=home, data_dir=data_dir)
    started = time.monotonic()
    try:
        ui.services.append(
            _start(
                "webserver",
                [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
                env,
                logs,
            )
        )
        # The daemon once the webserver has set up the new instance's SQLite storage: both at once race on
        # its schema migrations ("more than one head").
        _wait_until_loaded(ui)
        ui.services.append(
            _start("daemon", [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"], env, logs)
        )
        _report_line(
            f"webserver {ui.url} up in {time.monotonic() - started:.0f} s, daemon started (logs: {logs})"
        )
        yield ui
    finally:
        for service in reversed(ui.services):
            service.stop()
        for server in servers:
            server.stop()


@pytest.fixture(scope="package")
def browser():
    """Debian's chromium, headless, with a new empty profile (Playwright makes one per launch)."""
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="package")
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    # generous: on a busy 2-core machine the webserver shares the CPU with the backfill's run (dbt), and a
    # page may take a minute or more; every wait returns as soon as its element is there
    context.set_default_timeout(180_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="package")
def report():
    """report(line): printed now and again in the summary at the end of the pytest run."""
    return _report_line
