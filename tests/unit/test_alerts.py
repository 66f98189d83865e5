"""Alert sensors with a real Dagster instance and a webhook receiver on loopback."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.sensors import build_alert_sensors
from tests.support.loopback import LoopbackServer, QuietHandler


class Receiver(LoopbackServer):
    def __init__(self, status: int = 200):
        self.received: list[dict] = []
        self.status = status
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(json.loads(body))
                self.reply(receiver.status, [], b"ok")

        super().__init__(Handler)


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers", blocking=True)])
def numbers():
    yield dg.MaterializeResult()
    yield dg.AssetCheckResult(check_name="positive", passed=False, description="-3 is not positive")


@dg.asset
def broken():
    raise ValueError("the API said no")


def sensors(url):
    run_failures, check_failures = build_alert_sensors(url)
    return run_failures, check_failures


def test_a_failed_check_is_posted_once_and_the_cursor_moves_on():
    with dg.DagsterInstance.ephemeral() as instance, Receiver() as hook:
        dg.materialize([numbers], instance=instance, raise_on_error=False)
        _, check_failures = sensors(hook.url + "/hook?secret=s3cr3t")
        ctx = dg.build_sensor_context(instance=instance)
        check_failures(ctx)
        assert [(a["kind"], a["asset"], a["check"], a["description"]) for a in hook.received] == [
            ("check_failed", "numbers", "positive", "-3 is not positive")
        ]
        again = dg.build_sensor_context(instance=instance, cursor=ctx.cursor)
        result = check_failures(again)
        assert isinstance(result, dg.SkipReason) and len(hook.received) == 1


def test_an_unreachable_webhook_keeps_the_alert_for_the_next_tick(caplog):
    with dg.DagsterInstance.ephemeral() as instance, Receiver(status=503) as hook:
        dg.materialize([numbers], instance=instance, raise_on_error=False)
        _, check_failures = sensors(hook.url + "/hook?secret=s3cr3t")
        ctx = dg.build_sensor_context(instance=instance)
        result = check_failures(ctx)
        assert isinstance(result, dg.SkipReason) and "HTTP 503" in result.skip_message
        assert ctx.cursor is None  # not moved past the undelivered alert
        hook.status = 200
        check_failures(ctx)
        assert len(hook.received) == 2 and hook.received[-1]["check"] == "positive"
    assert "s3cr3t" not in caplog.text


def test_a_failed_run_is_posted():
    with dg.DagsterInstance.ephemeral() as instance, Receiver() as hook:
        result = dg.materialize([broken], instance=instance, raise_on_error=False)
        run = instance.get_run_by_id(result.run_id)
        failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
        run_failures, _ = sensors(hook.url)
        ctx = dg.build_run_status_sensor_context(
            sensor_name="run_failure_alerts",
            dagster_instance=instance,
            dagster_run=run,
            dagster_event=failure,
        ).for_run_failure()
        run_failures(ctx)
    assert len(hook.received) == 1
    alert = hook.received[0]
    assert alert["kind"] == "run_failed" and alert["run_id"] == result.run_id
    assert alert["job"] == run.job_name
    assert alert["summary"].startswith(f"run {result.run_id[:8]} of {run.job_name} failed")


def test_without_a_webhook_alerts_go_to_the_log(caplog):
    with dg.DagsterInstance.ephemeral() as instance:
        dg.materialize([numbers], instance=instance, raise_on_error=False)
        _, check_failures = sensors(None)
        with caplog.at_level("WARNING"):
            check_failures(dg.build_sensor_context(instance=instance))
    assert "ALERT check_failed: numbers:positive failed (ERROR): -3 is not positive" in caplog.text
