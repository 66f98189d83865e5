"""One sandbox, one Dagster instance and one lake shared by every end-to-end test (they cost seconds each).

Runs are real Dagster runs of the project's own job (in-process executor, persistent SQLite instance), against
the sandbox served over real HTTP on loopback. The sandbox clock is frozen so the ground truth is fixed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
FIRST, LAST = dt.date(2026, 11, 16), dt.date(2026, 11, 18)
# The history run: the four weeks before FIRST, for what needs a past (velora's bad-buzz day 2026-11-04 with
# its trailing week; brewbean's autumn_blend_2026 campaign, 11-02..11-15, with its pre-period from 10-19),
# run as one 31-day backfill up to LAST (first_run's days re-derived from the landing zone).
HISTORY_FIRST, HISTORY_LAST = dt.date(2026, 10, 19), dt.date(2026, 11, 15)


@dataclass
class Pipeline:
    defs: object
    settings: object
    instance: object
    worlds: dict  # platform -> the sandbox's World: the ground truth
    base: Path
    servers: dict  # platform -> the sandbox's server: tests switch its fault injection on and off

    def run(self, start: dt.date, end: dt.date, selection=None, tags=None):
        from orchestration.run import execute_range

        job = self.defs.resolve_job_def("social_daily")
        return execute_range(job, self.instance, start, end, tags=tags, asset_selection=selection)

    def run_unpartitioned(self, selection):
        job = self.defs.resolve_implicit_global_asset_job_def()
        return job.execute_in_process(instance=self.instance, asset_selection=selection, raise_on_error=False)

    def published(self):
        import duckdb

        from assets.publish.warehouse import published_db

        return duckdb.connect(str(published_db(self.settings.publish_dir)), read_only=True)

    def published_tables(self) -> dict[str, list[tuple]]:
        """Every published mart table ("schema.table") with its rows in order: the whole content people read;
        only the publication's own metadata (main._publication: version, time) left out."""
        with self.published() as con:
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() where schema_name <> 'main' order by 1, 2"
            ).fetchall()
            return {
                f"{s}.{t}": con.execute(f'select * from "{s}"."{t}" order by all').fetchall()
                for s, t in tables
            }


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory):
    import dagster as dg

    from assets.brand_config import load_brand_config
    from assets.ingest.platform_apis import SUPPORTED
    from sandbox import SandboxServer, World

    base = tmp_path_factory.mktemp("pipeline")
    config = load_brand_config(REPO / "brands.yaml")
    worlds = {p: World(config, seed=42, now=NOW, platform=p) for p in SUPPORTED}
    servers = {p: SandboxServer(w).start() for p, w in worlds.items()}
    env = {
        "SOCIAL_DATA_DIR": str(base),
        "DAGSTER_HOME": str(base / "dagster_home"),
        "SOCIAL_SANDBOX_URLS": ",".join(f"{p}={s.url}" for p, s in servers.items()),
        "SOCIAL_SANDBOX_NOW": NOW.isoformat(),
        "SOCIAL_PLATFORM_MODE": "sandbox",
        "GX_ANALYTICS_ENABLED": "False",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    (base / "dagster_home").mkdir()
    (base / "dagster_home" / "dagster.yaml").write_text((REPO / "orchestration" / "dagster.yaml").read_text())
    try:
        # definitions reads the environment when imported: import it now, or again if something already did
        # (settings itself is never reloaded: other tests hold its classes, such as SettingsError)
        if "orchestration.definitions" in sys.modules:
            importlib.reload(sys.modules["orchestration.definitions"])
        definitions = importlib.import_module("orchestration.definitions")
        with dg.DagsterInstance.get() as instance:
            yield Pipeline(definitions.defs, definitions.settings, instance, worlds, base, servers)
    finally:
        for server in servers.values():
            server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def first_run(pipeline):
    """The main job over three days: every other test starts from its result."""
    result = pipeline.run(FIRST, LAST)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


@pytest.fixture(scope="session")
def history_run(pipeline, first_run):
    """The main job over HISTORY_FIRST..LAST, 31 days, after first_run (tests needing it run last).
    test_backfills.py runs the same range a second time and compares the published marts."""
    result = pipeline.run(HISTORY_FIRST, LAST)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def pytest_collection_modifyitems(items):
    # The history run republishes the warehouse with four more weeks: tests that read it run after all
    # the others, which expect the warehouse of first_run alone. Last of all, modules that set RUN_LAST
    # (test_backfills.py: its campaign audit lands days beyond the history and first runs).
    items.sort(
        key=lambda item: (
            "history_run" in getattr(item, "fixturenames", ()),
            getattr(getattr(item, "module", None), "RUN_LAST", False),
        )
    )
