"""orchestration.run picks how a range runs: in this process, or with its steps in processes of their own
from PARALLEL_FROM_DAYS days on. Only the choice is checked here, with both executions replaced by
recorders; the real runs are the end-to-end tests' (in-process) and the year's backfill of `make bench`
(multiprocess), and tests/unit/test_kubernetes_deploy.py validates both run configs against the job."""

from __future__ import annotations

import datetime as dt

from orchestration import run

DAY = dt.date(2026, 1, 1)


class _Defs:
    def resolve_job_def(self, name: str) -> str:
        return name


def _choices(monkeypatch, days: list[int], env: dict[str, str] | None = None) -> list[tuple[str, int]]:
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(
        run,
        "execute_range",
        lambda job, inst, start, end, tags: calls.append(("in_process", (end - start).days + 1)),
    )
    monkeypatch.setattr(
        run,
        "execute_range_in_processes",
        lambda inst, start, end, tags: calls.append(("processes", (end - start).days + 1)),
    )
    monkeypatch.delenv("SOCIAL_EXECUTOR", raising=False)
    for k, v in (env or {}).items():
        monkeypatch.setenv(k, v)
    for n in days:
        run.run_range(DAY, DAY + dt.timedelta(days=n - 1), instance=object(), defs=_Defs())
    return calls


def test_a_long_range_runs_its_steps_in_processes_and_a_short_one_in_process(monkeypatch):
    n = run.PARALLEL_FROM_DAYS
    assert _choices(monkeypatch, [1, 30, n - 1, n, 365]) == [
        ("in_process", 1),
        ("in_process", 30),
        ("in_process", n - 1),
        ("processes", n),
        ("processes", 365),
    ]


def test_with_the_k8s_executor_orchestration_run_starts_no_step_processes(monkeypatch):
    assert _choices(monkeypatch, [365], {"SOCIAL_EXECUTOR": "k8s"}) == [("in_process", 365)]
