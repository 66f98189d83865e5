"""Security: credentials stay in the environment; services listen on loopback; the published warehouse is only
ever opened read-only. (Pseudonyms in every mart: tests/end_to_end/test_reliability.py; the key from the
environment, and an error without one outside the sandbox: tests/unit/test_settings_and_secrets.py.)"""

from __future__ import annotations

import ast
import datetime as dt
import gzip
import logging
import re
import socket
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from assets.brand_config import load_brand_config
from assets.ingest import bluesky
from assets.ingest.dagster_assets import build_raw_asset
from assets.ingest.lake import Lake
from assets.ingest.platform_apis import SUPPORTED, PlatformApis
from orchestration.settings import load_settings
from sandbox import SandboxServer, World

REPO = Path(__file__).resolve().parents[2]
CONFIG = load_brand_config(REPO / "brands.yaml")
NOW = dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 18)
# One secret per credential, each unlike anything else in the data.
SECRETS = {
    "MASTODON_ACCESS_TOKEN": "mstdn-SECRET-4f1c9a",
    "BLUESKY_HANDLE": "reader.bsky.social",
    "BLUESKY_APP_PASSWORD": "bsky-SECRET-app-pw-77e0",
    "REDDIT_CLIENT_ID": "reddit-id-SECRET-19b2",
    "REDDIT_CLIENT_SECRET": "reddit-SECRET-c55e",
    "X_BEARER_TOKEN": "x-SECRET-bearer-a9d3",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-SECRET-page-0c7d",
    "YOUTUBE_API_KEY": "AIza-SECRET-yt-e21f",
    "SOCIAL_PSEUDONYM_KEY": "pseudonym-SECRET-key-3b8a",
}
# What each sandbox demands: the token the platform checks (Bluesky and Reddit hand out their own after the
# sign-in with the app password or client secret, which the sandbox cannot check: it takes any).
SERVER_TOKENS = {
    "mastodon": SECRETS["MASTODON_ACCESS_TOKEN"],
    "bluesky": "bsky-SECRET-session-jwt-5d21",
    "reddit": "reddit-SECRET-oauth-token-8a4c",
    "x": SECRETS["X_BEARER_TOKEN"],
    "facebook": SECRETS["FACEBOOK_PAGE_ACCESS_TOKEN"],
    "youtube": SECRETS["YOUTUBE_API_KEY"],
}
BASE_URL_VARS = {p: f"{p.upper()}_BASE_URL" for p in SUPPORTED}


def every_text(root: Path) -> dict[str, str]:
    """Every file under root as text: gzip and Parquet opened, the rest read as bytes (SQLite included)."""
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            out[str(path)] = str(pq.read_table(path).to_pylist())
        elif path.suffix == ".gz":
            out[str(path)] = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        else:
            out[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return out


def test_live_credentials_appear_nowhere_in_logs_event_log_landing_zone_or_parquet(
    tmp_path, caplog, capfd, monkeypatch
):
    caplog.set_level(logging.DEBUG)  # urllib3 logs every request line, query string included
    servers = {
        p: SandboxServer(World(CONFIG, seed=42, now=NOW, platform=p), access_token=SERVER_TOKENS[p]).start()
        for p in SUPPORTED
    }
    # Bluesky opens its session on the fixed entryway bsky.social: unreachable here, so it points at the sandbox.
    monkeypatch.setattr(bluesky.BlueskyConnector, "session_host", servers["bluesky"].url)
    env = {
        "SOCIAL_DATA_DIR": str(tmp_path / "data"),
        "SOCIAL_PLATFORM_MODE": "live",
        **SECRETS,
        **{BASE_URL_VARS[p]: s.url for p, s in servers.items()},
    }
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", SECRETS["MASTODON_ACCESS_TOKEN"])  # in os.environ too
    settings = load_settings(env)
    daily = dg.DailyPartitionsDefinition(start_date="2026-01-01", timezone="UTC")
    # posts: every platform's sign-in and credentials are used on the way (one entity keeps the test short)
    assets = [build_raw_asset(p, "posts", daily) for p in SUPPORTED]
    apis = PlatformApis(CONFIG, "live", env=env)
    apis.check_live_credentials()
    try:
        (tmp_path / "dagster_home").mkdir()
        with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
            result = dg.materialize(
                assets,
                instance=instance,
                partition_key=DAY.isoformat(),
                resources={
                    "platform_apis": dg.ResourceDefinition.hardcoded_resource(apis),
                    "lake": dg.ResourceDefinition.hardcoded_resource(Lake(settings.lake_url)),
                    "settings": dg.ResourceDefinition.hardcoded_resource(settings),
                },
                raise_on_error=False,
            )
            assert result.success, [e.message for e in result.all_events if e.is_failure]
            events = [str(e) for e in instance.all_logs(result.run_id)]
    finally:
        apis.close()
        for s in servers.values():
            s.stop()
    # the tokens were needed: every platform answered, so each request carried its credential
    for p in SUPPORTED:
        written = result.asset_materializations_for_node(f"raw__{p}__posts")[0].metadata["records_written"]
        assert written.value > 0, p
    out, err = capfd.readouterr()
    files = every_text(tmp_path)
    assert any("/landing/" in f for f in files) and any(f.endswith(".parquet") for f in files)
    assert any("sqlite" in f or f.endswith(".db") for f in files)  # Dagster's event log on disk
    places = {"python logs": caplog.text, "stdout/stderr": out + err, "event log": "\n".join(events), **files}
    for name, secret in SECRETS.items():
        if name == "BLUESKY_HANDLE":
            continue  # an account name, not a secret
        leaks = [where for where, text in places.items() if secret in text]
        assert not leaks, f"{name} found in {leaks}"
    assert "access_token=REDACTED" in "".join(
        files.values()
    )  # Facebook's token sits in landed URLs, redacted


def test_the_sandbox_listens_on_loopback_by_default():
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", "--history-days", "3"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        m = re.search(r"at http://([\d.]+):(\d+) ", line)
        assert m and m.group(1) == "127.0.0.1", line
        port = int(m.group(2))
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        # not on the machine's other addresses
        others = [a for a in _local_ipv4() if not a.startswith("127.")]
        for address in others:
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=2).close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # The child inherits SIGTERM ignored when this process started with SIGINT ignored (a background
            # job) and ran Dagster in-process: leaving capture_interrupts, Dagster gives SIGTERM the disposition
            # of SIGINT (dagster._utils.interrupts). Seen in a CI run launched in the background.
            proc.kill()
            proc.wait(timeout=10)
    assert SandboxServer.__init__.__defaults__[0] == "127.0.0.1"  # the embedded one, too


def _local_ipv4() -> list[str]:
    out = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True, check=False).stdout
    return re.findall(r"inet ([\d.]+)/", out)


def test_the_dagster_ui_binds_to_loopback():
    makefile = (REPO / "Makefile").read_text()
    recipe = re.search(r"^ui:.*\n\t(.*)$", makefile, re.M).group(1)
    assert "dagster dev --host 127.0.0.1 " in recipe


def test_the_published_warehouse_is_only_ever_opened_read_only():
    """Every duckdb.connect in the code that reads warehouses passes read_only=True; the one exception is the
    publication's own staging file, a new version no reader has yet."""
    found = []
    for path in [*(REPO / "assets").rglob("*.py"), *(REPO / "orchestration").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "duckdb.connect":
                read_only = any(
                    k.arg == "read_only" and ast.unparse(k.value) == "True" for k in node.keywords
                )
                found.append((path.relative_to(REPO).as_posix(), ast.unparse(node), read_only))
    writers = [(p, call) for p, call, ro in found if not ro]
    assert writers == [("assets/publish/warehouse.py", "duckdb.connect(str(staging / 'warehouse.duckdb'))")]
    assert sum(ro for *_, ro in found) >= 2  # the dashboards and the campaign audit read the published file
