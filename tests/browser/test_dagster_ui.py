"""The Dagster UI as a data engineer uses it: the asset graph with its groups, an asset's checks, and a
backfill of the daily job launched through the webserver's GraphQL API and run by the daemon.

Real parts only: `dagster-webserver` and `dagster-daemon` processes, Debian's chromium (headless), the sandbox
platforms over HTTP on loopback (see conftest.py).
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The groups of the asset graph (group_name of the assets in orchestration.definitions): ingest, the
# intraday listening's alerts table, dbt's layers and mart families, publication.
GROUPS = {
    "raw",
    "listening",
    "staging",
    "intermediate",
    "community",
    "customer_care",
    "audience",
    "competitors",
    "reputation",
    "campaigns",
    "publish",
}
CHECKED_ASSET = ["warehouse", "community", "fct_posts"]  # a mart: dbt tests and a GX suite as checks
BACKFILL_DAYS = ["2026-11-17", "2026-11-18"]
BACKFILL_TIMEOUT = 420  # seconds; the daemon picks a backfill up within 30 s and sees it finished within 30 s
TERMINAL = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}

REPOSITORY = """{ repositoriesOrError { __typename ... on RepositoryConnection { nodes {
    name location { name } assetGroups { groupName } partitionSets { name pipelineName } } } } }"""
ASSET_CHECKS = """query ($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) { __typename ... on AssetNode {
    assetChecksOrError { __typename ... on AssetChecks { checks {
        name blocking executionForLatestMaterialization { status } } } }
    assetPartitionStatuses { __typename ... on TimePartitionStatuses { ranges { startKey endKey status } } }
} } }"""
LAUNCH_BACKFILL = """mutation ($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message stack }
    ... on Error { message } } }"""
BACKFILL = """query ($id: String!) { partitionBackfillOrError(backfillId: $id) { __typename
    ... on PartitionBackfill { id status numPartitions partitionNames error { message }
        runs { id status tags { key value } } }
    ... on Error { message } } }"""


def _repository(dagster_ui) -> dict:
    nodes = dagster_ui.graphql(REPOSITORY)["repositoriesOrError"]["nodes"]
    assert len(nodes) == 1, nodes
    return nodes[0]


def _asset_node(dagster_ui, path: list[str]) -> dict:
    node = dagster_ui.graphql(ASSET_CHECKS, {"key": {"path": path}})["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    return node


def _dismiss_welcome(page) -> None:
    """A new instance greets its first visitor with a "Join the Dagster community" dialog: skip it."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(state="visible", timeout=5_000)
    except Exception:  # Playwright's TimeoutError: no dialog this time
        return
    skip.click()
    skip.wait_for(state="hidden")


@pytest.fixture(scope="module")
def backfill(dagster_ui) -> dict:
    """The backfill of social_daily over two days, launched as the UI's "Launch backfill" does (a job backfill
    of the job's partition set). Launched before the browser looks at the graph: the daemon runs it meanwhile."""
    repository = _repository(dagster_ui)
    partition_set = next(
        p["name"] for p in repository["partitionSets"] if p["pipelineName"] == "social_daily"
    )
    params = {
        "selector": {
            "partitionSetName": partition_set,
            "repositorySelector": {
                "repositoryName": repository["name"],
                "repositoryLocationName": repository["location"]["name"],
            },
        },
        "partitionNames": BACKFILL_DAYS,
        "title": "browser test: social_daily 2026-11-17..18",
    }
    started = time.monotonic()
    launched = dagster_ui.graphql(LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    return {"id": launched["backfillId"], "started": started}


def test_asset_graph_shows_the_groups_and_an_asset_shows_its_checks(
    dagster_ui, backfill, page, artifacts, report
):
    # (`backfill` only so that it is under way while we look: the next test waits for it)
    groups = {g["groupName"] for g in _repository(dagster_ui)["assetGroups"]}
    assert groups == GROUPS, f"the Definitions' groups changed: {sorted(groups)}"

    # The global asset lineage: with this many assets the graph starts with each group collapsed into a box.
    page.goto(f"{dagster_ui.url}/asset-groups", wait_until="load")
    boxes = page.locator("svg foreignObject.group > div")  # the HTML inside the graph's SVG
    boxes.nth(len(GROUPS) - 1).wait_for()
    _dismiss_welcome(page)  # drawn with the page, over the graph
    shown = {box.inner_text().split("\n")[0].strip() for box in boxes.all()}
    # each box then reads "N assets (fetching statuses)" until the materialization statuses arrive
    expect(page.get_by_text("fetching statuses")).to_have_count(0, timeout=180_000)
    screenshot = artifacts / "dagster_ui.png"
    page.screenshot(path=str(screenshot))
    report(f"asset graph screenshot: {screenshot}")
    assert shown == GROUPS, f"groups drawn in the asset graph: {sorted(shown)}"

    # An asset's page lists its checks: the dbt tests and the Great Expectations suite of the mart.
    checks = _asset_node(dagster_ui, CHECKED_ASSET)["assetChecksOrError"]["checks"]
    assert len(checks) >= 2, checks
    page.goto(f"{dagster_ui.url}/assets/{'/'.join(CHECKED_ASSET)}?view=checks", wait_until="load")
    page.get_by_text(f"Checks ({len(checks)})", exact=True).wait_for()
    # The list is virtualized (rows drawn as they scroll into view) and sorted by name: the first ones show.
    for name in sorted(c["name"] for c in checks)[:5]:
        assert page.get_by_text(name, exact=True).count() >= 1, f"check {name} not listed"
    screenshot = artifacts / "dagster_ui_checks.png"
    page.screenshot(path=str(screenshot))
    report(f"asset checks screenshot ({len(checks)} checks on {'/'.join(CHECKED_ASSET)}): {screenshot}")


def test_backfill_of_the_daily_job_launched_through_graphql_succeeds(
    dagster_ui, backfill, page, artifacts, report
):
    backfill_id, started = backfill["id"], backfill["started"]
    while True:
        state = dagster_ui.graphql(BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
        assert state["__typename"] == "PartitionBackfill", state
        if state["status"] in TERMINAL:
            break
        dagster_ui.check_alive()
        if time.monotonic() - started > BACKFILL_TIMEOUT:
            pytest.fail(
                f"backfill still {state['status']} after {BACKFILL_TIMEOUT} s: {state}\n{dagster_ui.logs()}"
            )
        time.sleep(2)
    wall = time.monotonic() - started

    runs = state["runs"]
    report(
        f"backfill {backfill_id} of social_daily over {BACKFILL_DAYS[0]}..{BACKFILL_DAYS[-1]}: "
        f"{state['status']} in {wall:.0f} s, {len(runs)} run(s) {[r['status'] for r in runs]}"
    )
    assert state["status"] == "COMPLETED_SUCCESS", f"{state}\n{dagster_ui.logs()}"
    assert runs and all(r["status"] == "SUCCESS" for r in runs), runs
    # The job's backfill policy runs a range in one run (dbt once over the range): together the runs' partition
    # tags cover exactly the two days.
    covered = set()
    for run in runs:
        tags = {t["key"]: t["value"] for t in run["tags"]}
        if "dagster/partition" in tags:
            covered.add(tags["dagster/partition"])
        else:
            first, last = (
                tags["dagster/asset_partition_range_start"],
                tags["dagster/asset_partition_range_end"],
            )
            covered.update(d for d in BACKFILL_DAYS if first <= d <= last)
    assert covered == set(BACKFILL_DAYS), runs

    # The mart now has both days materialized, and its checks ran against that materialization.
    node = _asset_node(dagster_ui, CHECKED_ASSET)
    ranges = node["assetPartitionStatuses"]["ranges"]
    materialized = [r for r in ranges if r["status"] == "MATERIALIZED"]
    assert any(
        r["startKey"] <= BACKFILL_DAYS[0] and BACKFILL_DAYS[-1] <= r["endKey"] for r in materialized
    ), ranges
    statuses = [
        (c["executionForLatestMaterialization"] or {}).get("status")
        for c in node["assetChecksOrError"]["checks"]
    ]
    assert statuses and all(s == "SUCCEEDED" for s in statuses), statuses

    # What a person sees: the backfill's page says it completed.
    page.goto(f"{dagster_ui.url}/runs/b/{backfill_id}", wait_until="load")
    page.get_by_text("Succeeded", exact=True).first.wait_for()  # the status tag of COMPLETED_SUCCESS
    screenshot = artifacts / "dagster_ui_backfill.png"
    page.screenshot(path=str(screenshot))
    report(f"backfill page screenshot: {screenshot}")
