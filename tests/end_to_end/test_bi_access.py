"""A BI tool on the published warehouse: SQLAlchemy + duckdb-engine (what Superset uses), read-only, replaying
every dashboard query while new publications are being made, without an error and with the results of a
published version each time; a write through the read-only engine is refused.

The publications are real (assets.publish.warehouse.publish from first_run's dbt warehouse) into a publish
folder of this test's own, so the shared publication the other tests read stays as first_run left it.
"""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from assets.publish.dashboards.queries import ALL
from assets.publish.warehouse import KEEP_VERSIONS, publish, published_db

pytestmark = pytest.mark.e2e

PUBLICATIONS = KEEP_VERSIONS + 2  # more than are kept: the first version's folder is deleted meanwhile


def _normal(rows) -> list[tuple]:
    # floats to 12 significant digits: a sum's last bit may depend on DuckDB's threads
    return [tuple(float(f"{v:.12g}") if isinstance(v, float) else v for v in r) for r in rows]


def _info(i: int) -> dict:
    return {"gate_status": "passed", "checks_passed": 1, "run_id": f"bi-test-{i}"}


def test_bi_queries_through_sqlalchemy_while_new_publications_are_made(pipeline, first_run, tmp_path):
    from sqlalchemy import create_engine, exc, text
    from sqlalchemy.pool import NullPool

    warehouse = pipeline.settings.warehouse_path
    try:  # the runs are over: no writer holds dbt's warehouse (publish() attaches it read-only)
        duckdb.connect(str(warehouse), read_only=True).close()
    except duckdb.Error as error:
        pytest.fail(f"dbt's warehouse {warehouse} is locked by a writer: {error}")

    publish_dir = tmp_path / "published"
    versions = [publish(warehouse, publish_dir, _info(0)).version]
    db = published_db(publish_dir)  # <publish_dir>/current/warehouse.duckdb: `current` is followed at connect
    # NullPool: a connection per checkout, so each query opens the version `current` names at that moment
    engine = create_engine(f"duckdb:///{db}", connect_args={"read_only": True}, poolclass=NullPool)
    queries = [(page, name, sql) for page, named in ALL.items() for name, sql in named.items()]

    with engine.connect() as con:
        reference = {(p, n): _normal(con.execute(text(sql)).fetchall()) for p, n, sql in queries}
    # what a BI tool may not do (a connection each: a refused statement ends its transaction)
    for statement in (
        "create table community.bi_scratch as select 1 as x",
        "delete from community.fct_channel_daily",
        "update _publication set gate_status = 'failed'",
    ):
        with engine.connect() as con, pytest.raises(exc.DBAPIError, match="read-only"):
            con.execute(text(statement))
    assert sum(len(rows) for rows in reference.values()) > 0

    # A reader that opened the first version and keeps it open through every publication. Through the
    # version's own path: DuckDB shares one database per path within a process, so holding `current` open
    # here would pin this process's later connections to it too (a BI tool's own process has no such tie).
    held = create_engine(
        f"duckdb:///{db.resolve()}", connect_args={"read_only": True}, poolclass=NullPool
    ).connect()
    assert held.execute(text("select version from _publication")).scalar_one() == versions[0]

    failures: list[BaseException] = []
    done = threading.Event()

    def publisher():
        try:
            for i in range(1, PUBLICATIONS + 1):
                versions.append(publish(warehouse, publish_dir, _info(i)).version)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=publisher, name="publisher")
    seen: dict[str, int] = {}
    rounds = 0
    started = time.monotonic()
    thread.start()
    try:
        while not done.is_set() or rounds == 0:
            for page, name, sql in queries:
                with engine.connect() as con:
                    version = con.execute(text("select version from _publication")).scalar_one()
                    rows = _normal(con.execute(text(sql)).fetchall())
                seen[version] = seen.get(version, 0) + 1
                # every version holds the same marts (one dbt warehouse): each result is the first one's
                assert rows == reference[(page, name)], (page, name, version)
            rounds += 1
    finally:
        thread.join()
    took = time.monotonic() - started
    assert not failures, failures
    assert len(versions) == PUBLICATIONS + 1
    assert set(seen) <= set(versions), (seen, versions)
    assert len(seen) >= 2, (
        f"{rounds} rounds of {len(queries)} queries saw only {seen}: no publication overlapped"
    )
    print(f"{rounds} rounds of {len(queries)} queries in {took:.1f} s across versions {seen}")

    # the version a reader opened stays readable, even after its folder was pruned
    assert not (publish_dir / "versions" / versions[0]).exists()
    assert held.execute(text("select version from _publication")).scalar_one() == versions[0]
    page, name, sql = queries[1]
    assert _normal(held.execute(text(sql)).fetchall()) == reference[(page, name)]
    held.close()


def test_the_read_only_url_form_for_tools_that_only_take_a_url(pipeline, first_run, tmp_path):
    """Superset and other tools that take a URL only: access_mode=read_only in the URL's query."""
    from sqlalchemy import create_engine, exc, text

    publish_dir = tmp_path / "published"
    version = publish(pipeline.settings.warehouse_path, publish_dir, _info(0)).version
    engine = create_engine(f"duckdb:///{published_db(publish_dir)}?access_mode=read_only")
    with engine.connect() as con:
        assert con.execute(text("select version from _publication")).scalar_one() == version
        assert con.execute(text(ALL["community"]["channel"])).fetchall()
        with pytest.raises(exc.DBAPIError, match="read-only"):
            con.execute(text("create table community.bi_scratch as select 1 as x"))
    engine.dispose()
