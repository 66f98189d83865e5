"""Sensors that tell people when something went wrong: failed runs and failed asset checks."""

import dagster as dg
from dagster._core.event_api import EventRecordsFilter
from dagster._core.events import DagsterEventType

from assets.quality.alerts import AlertDeliveryError, check_failure_alert, deliver, run_failure_alert


def build_alert_sensors(webhook_url: str | None) -> list[dg.SensorDefinition]:
    @dg.run_failure_sensor(
        name="run_failure_alerts",
        monitor_all_code_locations=True,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Posts every failed run to SOCIAL_ALERT_WEBHOOK_URL (or logs it).",
    )
    def run_failure_alerts(context: dg.RunFailureSensorContext):
        message = context.failure_event.message if context.failure_event else None
        where = deliver(run_failure_alert(context.dagster_run, message), webhook_url)
        context.log.info(f"run failure of {context.dagster_run.run_id} reported to the {where}")

    @dg.sensor(
        name="check_failure_alerts",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Posts every failed asset check (blocking or warning) to SOCIAL_ALERT_WEBHOOK_URL (or logs it).",
    )
    def check_failure_alerts(context: dg.SensorEvaluationContext):
        after = int(context.cursor) if context.cursor else None
        records = context.instance.event_log_storage.get_event_records(
            EventRecordsFilter(event_type=DagsterEventType.ASSET_CHECK_EVALUATION, after_cursor=after),
            limit=200,
            ascending=True,
        )
        sent = 0
        for record in records:
            evaluation = record.event_log_entry.dagster_event.event_specific_data
            if not evaluation.passed:
                alert = check_failure_alert(evaluation, record.run_id, record.timestamp)
                try:
                    deliver(alert, webhook_url)
                except AlertDeliveryError as exc:
                    # keep the cursor before this event: the next tick tries it again
                    context.log.error(f"{exc}; will retry")
                    return dg.SkipReason(f"delivery failed after {sent} alerts: {exc}")
                sent += 1
            context.update_cursor(str(record.storage_id))
        if not sent:
            return dg.SkipReason("no failed check since the last tick")
        return None

    return [run_failure_alerts, check_failure_alerts]
