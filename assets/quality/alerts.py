"""Alert delivery: failed runs and failed checks, as JSON to a webhook, or to the log when none is set.

The webhook URL may carry a secret (many chat webhooks do): it is never logged.
"""

import logging

import requests

log = logging.getLogger(__name__)


class AlertDeliveryError(RuntimeError):
    pass


def deliver(alert: dict, webhook_url: str | None, timeout: float = 10.0) -> str:
    """Send one alert; returns where it went. Raises AlertDeliveryError so the caller can try again later."""
    if not webhook_url:
        log.warning("ALERT %s: %s", alert.get("kind"), alert.get("summary"))
        return "log"
    try:
        resp = requests.post(webhook_url, json=alert, timeout=timeout)
    except requests.RequestException as exc:
        raise AlertDeliveryError(f"alert webhook unreachable: {type(exc).__name__}") from None
    if resp.status_code >= 300:
        raise AlertDeliveryError(f"alert webhook answered HTTP {resp.status_code}")
    return "webhook"


def check_failure_alert(evaluation, run_id: str, timestamp: float) -> dict:
    asset = evaluation.asset_key.to_user_string()
    severity = evaluation.severity.value if evaluation.severity else "ERROR"
    return {
        "kind": "check_failed",
        "severity": severity,
        "asset": asset,
        "check": evaluation.check_name,
        "description": evaluation.description,
        "run_id": run_id,
        "at": timestamp,
        "summary": f"{asset}:{evaluation.check_name} failed ({severity})"
        + (f": {evaluation.description}" if evaluation.description else ""),
    }


def run_failure_alert(run, message: str | None) -> dict:
    return {
        "kind": "run_failed",
        "severity": "ERROR",
        "job": run.job_name,
        "run_id": run.run_id,
        "tags": {
            k: v
            for k, v in run.tags.items()
            if k.startswith(("dagster/partition", "dagster/asset_partition"))
        },
        "description": message,
        "summary": f"run {run.run_id[:8]} of {run.job_name} failed" + (f": {message}" if message else ""),
    }
