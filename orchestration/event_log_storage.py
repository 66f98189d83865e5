"""Dagster's SQLite event log (the local instance's default), with a check planned over a range stored once
and its database engines kept between writes.

Dagster stores a check planned by a run over a range of days as one row per check and day (the dbt tests and
quality suites of this project: ~890 checks, so a year's backfill writes ~325,000 rows and spends minutes of CPU
before its first step). Nothing ever completes those rows: a range run's results carry no partition and are
stored as new rows. Here a check planned over several days is stored as one row, keyed by the range's last day;
everything read from the table is as before (the latest record of a check is its newest row, planned while its
run goes on, then its result). Runs of one day are stored exactly as Dagster does.

Dagster also builds a new SQLAlchemy engine for every write, so every statement is compiled again: ~40% of
the CPU of writing an event. Here each database keeps its engine (no connection is kept open: each write still
opens and closes its own, which is what the UI's watcher of a run's file relies on). Each write still
waits for SQLite's fsyncs (a few ms): what the run's writes cost on a loaded disk.

orchestration/dagster.yaml selects it; a deployment on Postgres (deploy/kubernetes) keeps Dagster's own.
"""

import os
from collections import OrderedDict
from contextlib import contextmanager

from dagster import Field, StringSource
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import serialize_value
from sqlalchemy.pool import NullPool

ENGINES_KEPT = 64  # databases whose engine is kept: the index and the latest runs'


class RangeSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        # before Dagster's __init__, which already writes (it indexes a new event log) through _connect
        self._engines: OrderedDict = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls):
        # Without base_dir: where Dagster keeps its default SQLite event log, $DAGSTER_HOME/history/runs.
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        base_dir = config_value.get("base_dir")
        if not base_dir:
            home = os.environ.get("DAGSTER_HOME")
            if not home:
                raise ValueError("RangeSqliteEventLogStorage: set DAGSTER_HOME or the storage's base_dir")
            base_dir = os.path.join(os.path.expanduser(home), "history", "runs")
        return cls(base_dir=base_dir, inst_data=inst_data)

    @contextmanager
    def _connect(self, shard: str):
        # Dagster's _connect, with the engine kept (LRU) instead of created and disposed for each write.
        with self._db_lock:
            engines = self._engines
            engine = engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=NullPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                engines[shard] = engine
                if len(engines) > ENGINES_KEPT:
                    engines.popitem(last=False)[1].dispose()
            engines.move_to_end(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _store_asset_check_evaluation_planned(self, event, event_id) -> None:
        planned = event.dagster_event.event_specific_data
        keys = planned.partitions_subset.get_partition_keys() if planned.partitions_subset else []
        if len(keys) <= 1:
            super()._store_asset_check_evaluation_planned(event, event_id)
            return
        with self.index_connection() as conn:
            conn.execute(
                AssetCheckExecutionsTable.insert().values(
                    asset_key=planned.asset_key.to_string(),
                    check_name=planned.check_name,
                    partition=max(keys),
                    run_id=event.run_id,
                    execution_status=AssetCheckExecutionRecordStatus.PLANNED.value,
                    evaluation_event=serialize_value(event),
                    evaluation_event_timestamp=self._event_insert_timestamp(event),
                    evaluation_event_storage_id=event_id,
                )
            )
