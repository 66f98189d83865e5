"""The Kubernetes deployment (deploy/), checked through Dagster's own config validation: no cluster runs here.

- deploy/kubernetes/dagster.yaml: loaded as Dagster loads an instance (dagster_instance_config: the instance
  schema, the storage and concurrency rules), its run launcher block against dagster-k8s's
  K8sRunLauncher.config_type(), its run coordinator against QueuedRunCoordinator.config_type(); then the
  launcher is built from it and made to construct the Kubernetes Job of a run (the object it would submit).
- orchestration/executor.py: the k8s_job_executor config against that executor's schema, and the main job
  resolved with SOCIAL_EXECUTOR=k8s (run config processed by Dagster) and without (in-process, as before).
- The pools: the ones the Definitions' steps declare are the ones carried over.
- deploy/kubernetes/values.yaml: against an excerpt of Dagster's Helm chart values.schema.json
  (deploy/kubernetes/chart-schema/README.md: provenance, licence, what was cut), and consistent with dagster.yaml.
- deploy/kubernetes/resources.yaml, secret.example.yaml: parsed into the Kubernetes client's models.
- deploy/Dockerfile and .dockerignore: checked statically, since there is no docker daemon here (the image is
  not built by the tests): base image, what it copies, the dbt parse at build time, the non-root user.

Each kind of check is also shown to reject a broken input.
"""

from __future__ import annotations

import copy
import fnmatch
import importlib.metadata
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import dagster as dg
import jsonschema
import kubernetes.client as k8s
import pytest
import yaml
from dagster._config import process_config, validate_config
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.storage.dagster_run import DagsterRun
from dagster._serdes import class_from_code_pointer
from dagster_k8s import K8sRunLauncher, k8s_job_executor
from dagster_k8s.container_context import K8sContainerContext
from dagster_k8s.job import construct_dagster_k8s_job
from dagster_k8s.models import k8s_model_from_dict, k8s_snake_case_dict

from assets.ingest.platform_apis import SUPPORTED, connector_module
from orchestration.executor import EXECUTOR_ENV, K8S_EXECUTOR_CONFIG, executor_name, job_executor
from orchestration.settings import REPO_ROOT, load_settings

DEPLOY = REPO_ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
IMAGE = "registry.example.com/social-pipeline:0.1.0"
# what deploy/kubernetes/resources.yaml's ConfigMap gives every pod, for resolving the {env: ...} sources
POD_ENV = {
    "DAGSTER_PG_HOST": "postgres",
    "DAGSTER_PG_USER": "dagster",
    "DAGSTER_PG_PASSWORD": "from-the-secret",
    "DAGSTER_PG_DB": "dagster",
    "DAGSTER_PG_PORT": "5432",
    "DAGSTER_K8S_JOB_NAMESPACE": "social",
}


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _yaml_docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _load_instance(tmp_path: Path, config: dict | None = None):
    """Load deploy/kubernetes/dagster.yaml (or `config`) as DAGSTER_HOME/dagster.yaml, as Dagster does."""
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    text = (K8S / "dagster.yaml").read_text() if config is None else yaml.safe_dump(config)
    (home / "dagster.yaml").write_text(text)
    value, custom_class = dagster_instance_config(str(home))
    assert custom_class is None
    return value


@pytest.fixture(scope="module")
def k8s_instance(tmp_path_factory):
    return _load_instance(tmp_path_factory.mktemp("k8s"))


# ---- the instance: deploy/kubernetes/dagster.yaml ---------------------------------------------------------


def test_instance_config_validates_against_dagsters_instance_schema(k8s_instance):
    assert set(k8s_instance) >= {
        "storage",
        "run_launcher",
        "run_coordinator",
        "concurrency",
        "run_monitoring",
    }
    assert k8s_instance["telemetry"] == {"enabled": False}
    # Postgres storage, every connection field from the environment, no password in the file
    pg = k8s_instance["storage"]["postgres"]["postgres_db"]
    for field in ("hostname", "username", "password", "db_name", "port"):
        assert set(pg[field]) == {"env"}, (
            f"storage.postgres.postgres_db.{field} must come from the environment"
        )
    assert pg["password"] == {"env": "DAGSTER_PG_PASSWORD"}  # what K8sRunLauncher's postgres secret sets


def test_run_launcher_is_dagster_k8s_and_validates_against_its_config_type(k8s_instance):
    block = k8s_instance["run_launcher"]
    assert class_from_code_pointer(block["module"], block["class"]) is K8sRunLauncher
    result = validate_config(K8sRunLauncher.config_type(), block["config"])
    assert result.success, result.errors
    cfg = block["config"]
    assert cfg["env_secrets"] == ["social-pipeline-credentials"]
    assert cfg["env_config_maps"] == ["social-pipeline-env"]
    assert f"{EXECUTOR_ENV}=k8s" in cfg["env_vars"]


def test_run_launcher_builds_the_kubernetes_job_of_a_run(k8s_instance, tmp_path, monkeypatch):
    """Past the schema: dagster-k8s builds the launcher from the processed config and constructs the Job it
    would submit for a run (the Kubernetes client's models validate every field), with a kubeconfig pointing
    nowhere instead of the cluster's in-pod config."""
    for name, value in POD_ENV.items():
        monkeypatch.setenv(name, value)
    processed = process_config(K8sRunLauncher.config_type(), k8s_instance["run_launcher"]["config"])
    assert processed.success, processed.errors
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
                "users": [{"name": "none", "user": {"token": "unused"}}],
                "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none"}}],
                "current-context": "none",
            }
        )
    )
    config = {**processed.value, "load_incluster_config": False, "kubeconfig_file": str(kubeconfig)}
    launcher = K8sRunLauncher.from_config_value(None, config)
    assert launcher.job_namespace == "social"

    run = DagsterRun(job_name="social_daily", run_id="0f0f0f0f-0000-0000-0000-000000000000")
    context = K8sContainerContext.create_for_run(run, launcher, include_run_tags=True)
    job = construct_dagster_k8s_job(
        job_config=context.get_k8s_job_config(job_image=IMAGE, run_launcher=launcher),
        args=["dagster", "api", "execute_run", "{}"],
        job_name="dagster-run-0f0f0f0f",
        pod_name="dagster-run-0f0f0f0f",
        component="run_worker",
        user_defined_k8s_config=context.run_k8s_config,
        labels={"dagster/job": "social_daily"},
    )
    assert isinstance(job, k8s.V1Job)
    assert job.spec.backoff_limit == 0
    pod = job.spec.template.spec
    (container,) = pod.containers
    assert container.image == IMAGE
    env = {e.name: e for e in container.env}
    assert env[EXECUTOR_ENV].value == "k8s"
    assert env["DAGSTER_PG_PASSWORD"].value_from.secret_key_ref.name == "dagster-postgresql-secret"
    sources = {(s.config_map_ref or s.secret_ref).name for s in container.env_from}
    assert sources >= {"social-pipeline-env", "social-pipeline-credentials"}
    mounts = {m.mount_path: m.name for m in container.volume_mounts}
    assert mounts["/var/lib/social"] == "social-data"
    assert env["DAGSTER_HOME"].value == "/opt/dagster/dagster_home"
    assert {v.name: v for v in pod.volumes}["social-data"].persistent_volume_claim.claim_name == "social-data"
    assert container.security_context.run_as_non_root is True
    assert container.resources.limits["memory"] == "2Gi"


def test_run_coordinator_validates_against_the_queued_run_coordinator(k8s_instance):
    block = k8s_instance["run_coordinator"]
    assert class_from_code_pointer(block["module"], block["class"]) is QueuedRunCoordinator
    result = validate_config(QueuedRunCoordinator.config_type(), block["config"])
    assert result.success, result.errors


def test_the_instance_starts_with_its_queue_pools_and_monitoring(tmp_path):
    """A real DagsterInstance from the same file, with only what needs a cluster swapped out (SQLite for
    Postgres, the default launcher for K8sRunLauncher): the coordinator class loads and Dagster composes the
    queue, the pools and run monitoring as configured."""
    config = _yaml(K8S / "dagster.yaml")
    config["storage"] = {"sqlite": {"base_dir": str(tmp_path / "storage")}}
    del config["run_launcher"]
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config))
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        concurrency = instance.get_concurrency_config()
        assert concurrency.pool_config.default_pool_limit == 1
        assert concurrency.pool_config.pool_granularity.value == "op"
        assert concurrency.run_queue_config.max_concurrent_runs == 4
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] == 300
    finally:
        instance.dispose()


def test_pools_and_run_monitoring_carried_over_from_the_local_instance(k8s_instance):
    local = _yaml(REPO_ROOT / "orchestration" / "dagster.yaml")
    assert (
        k8s_instance["concurrency"]["pools"]["default_limit"]
        == local["concurrency"]["pools"]["default_limit"]
    )
    assert k8s_instance["concurrency"]["pools"]["granularity"] == "op"
    for key, value in local["run_monitoring"].items():
        assert k8s_instance["run_monitoring"][key] == value, f"run_monitoring.{key}"


def _mutated(path: str, value, file: str = "dagster.yaml"):
    """deploy/kubernetes/<file> with the key at the dotted `path` set to `value` (or deleted: _DELETE)."""
    config = _yaml(K8S / file)
    *parents, last = path.split(".")
    node = config
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return config


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("run_monitoring.free_slot_after_run_end_seconds", 300),  # misspelt key
        ("concurrency.pools.default_limit", -1),  # out of range
        ("concurrency.pools.default_limt", 1),  # misspelt key
        ("storage.sqlite", {"base_dir": "/tmp"}),  # two storages
        ("run_coordinator.config", {"max_concurrent_runs": 2}),  # conflicts with concurrency.runs
        ("telemetry.enabled", "no"),  # wrong type
    ],
)
def test_a_broken_instance_config_is_rejected(tmp_path, path, value):
    with pytest.raises(DagsterInvalidConfigError):
        _load_instance(tmp_path, _mutated(path, value))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("job_namspace", "social"),  # misspelt key
        ("instance_config_map", _DELETE),  # required
        ("env_secrets", "social-pipeline-credentials"),  # a list is expected
        ("load_incluster_config", "yes"),
    ],
)
def test_a_broken_run_launcher_block_is_rejected(path, value):
    config = copy.deepcopy(_yaml(K8S / "dagster.yaml")["run_launcher"]["config"])
    if value is _DELETE:
        del config[path]
    else:
        config[path] = value
    assert not validate_config(K8sRunLauncher.config_type(), config).success


# ---- the executor: orchestration/executor.py -------------------------------------------------------------


def test_k8s_executor_config_validates_against_the_k8s_job_executor_schema():
    result = validate_config(k8s_job_executor.config_schema.config_type, K8S_EXECUTOR_CONFIG)
    assert result.success, result.errors
    broken = {**K8S_EXECUTOR_CONFIG, "max_concurent": 2}
    assert not validate_config(k8s_job_executor.config_schema.config_type, broken).success
    broken = {**K8S_EXECUTOR_CONFIG, "step_k8s_config": {"container": {}}}
    assert not validate_config(k8s_job_executor.config_schema.config_type, broken).success


def test_the_executor_is_chosen_by_the_environment():
    assert executor_name({}) == "in_process" and executor_name({EXECUTOR_ENV: ""}) == "in_process"
    assert job_executor({}).name == "in_process_unless_multiprocess"  # one machine
    assert job_executor({EXECUTOR_ENV: "k8s"}).name == "k8s_step_pods"
    with pytest.raises(ValueError, match="SOCIAL_EXECUTOR must be one of"):
        executor_name({EXECUTOR_ENV: "celery"})


_PROBE = """
import json, sys
import dagster as dg
from orchestration.definitions import defs
job = defs.resolve_job_def("social_daily")
pools = {}
for op in job.graph.iterate_op_defs():
    if op.pool:
        pools.setdefault(op.pool, []).append(op.name)
from orchestration.executor import multiprocess_run_config
run_config = dg.validate_run_config(job, {})
try:
    parallel = dg.validate_run_config(job, multiprocess_run_config(2)).get("execution")
except dg.DagsterInvalidConfigError as exc:
    parallel = str(exc)
print(json.dumps({
    "executor": job.executor_def.name,
    "execution": run_config.get("execution"),
    "parallel_execution": parallel,
    "ops": sorted(op.name for op in job.graph.iterate_op_defs()),
    "pools": pools,
}, default=str))
"""


def _probe_definitions(tmp_path: Path, executor: str | None) -> dict:
    """Load the one Definitions in a child process (its import sets SOCIAL_* variables in os.environ, which
    must not leak into the other tests) and report the main job's executor, ops and pools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIAL_")}
    env["SOCIAL_DATA_DIR"] = str(tmp_path)
    if executor:
        env[EXECUTOR_ENV] = executor
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def on_cluster(tmp_path_factory):
    return _probe_definitions(tmp_path_factory.mktemp("defs_k8s"), "k8s")


def test_the_main_job_runs_in_process_on_one_machine_unless_a_long_backfill_asks_for_processes(tmp_path):
    probe = _probe_definitions(tmp_path, None)
    assert probe["executor"] == "in_process_unless_multiprocess"
    # a run whose config says nothing (the daily run, the UI's launches) is in-process
    assert set(probe["execution"]["in_process_unless_multiprocess"]) == {"in_process"}, probe["execution"]
    # a long backfill's (orchestration.run.execute_range_in_processes) is valid for the job
    (parallel,) = probe["parallel_execution"].values()
    assert parallel["multiprocess"]["max_concurrent"] == 2, parallel


def test_the_main_job_runs_a_pod_per_step_on_the_cluster(on_cluster):
    assert on_cluster["executor"] == "k8s_step_pods"
    # Dagster processed the run config through the configured k8s_job_executor
    (execution,) = on_cluster["execution"].values()
    assert execution["max_concurrent"] == K8S_EXECUTOR_CONFIG["max_concurrent"]
    # per-step overrides name steps that exist
    assert set(K8S_EXECUTOR_CONFIG["per_step_k8s_config"]) <= set(on_cluster["ops"])


# ---- the pools -------------------------------------------------------------------------------------------


def _pool_job_limits() -> dict[str, int]:
    (job,) = [d for d in _yaml_docs(K8S / "resources.yaml") if d["kind"] == "Job"]
    script = "\n".join(job["spec"]["template"]["spec"]["containers"][0]["command"])
    return {m[1]: int(m[2]) for m in re.finditer(r"dagster instance concurrency set (\S+) (\d+)", script)}


def test_the_pools_carried_over_are_the_pools_the_assets_declare(on_cluster):
    declared = set(on_cluster["pools"])
    assert declared == {"warehouse_writer", *(f"{p}_api" for p in SUPPORTED)}
    limits = _pool_job_limits()
    assert set(limits) == declared
    # one DuckDB writer, one caller per API (raise warehouse_writer only with the Spark target)
    assert all(limit == 1 for limit in limits.values())
    # every step that writes or reads the warehouse file is in its pool
    assert "social_dbt_models" in on_cluster["pools"]["warehouse_writer"]
    assert "published__warehouse" in on_cluster["pools"]["warehouse_writer"]


# ---- the Helm values: deploy/kubernetes/values.yaml ------------------------------------------------------

# Helm merges the chart's own default values.yaml before it validates, so in these definitions the chart's
# defaults supply the required fields values.yaml leaves out (its other definitions are fully required).
_COMPLETED_BY_CHART_DEFAULTS = ("Daemon", "PostgreSQL")


def _helm_schema() -> dict:
    schema = json.loads((K8S / "chart-schema" / "values.schema.excerpt.json").read_text())
    schema.pop("required")
    for name in _COMPLETED_BY_CHART_DEFAULTS:
        schema["definitions"][name].pop("required")

    def offline(node):  # Kubernetes object schemas live on kubernetesjsonschema.dev: keep the sibling type
        if isinstance(node, dict):
            if str(node.get("$ref", "")).startswith("https://"):
                del node["$ref"]
            for value in node.values():
                offline(value)
        elif isinstance(node, list):
            for value in node:
                offline(value)

    offline(schema)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def _helm_errors(values: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(_helm_schema())
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)]


def test_helm_values_validate_against_the_charts_schema():
    values = _yaml(K8S / "values.yaml")
    assert _helm_errors(values) == []
    # every block values.yaml sets is one the vendored excerpt defines (not left to a $comment)
    schema = json.loads((K8S / "chart-schema" / "values.schema.excerpt.json").read_text())
    for key in values:
        assert "$comment" not in schema["properties"][key], f"{key}: its schema is not vendored"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("runLauncher.type", "K8sRunLaunchr"),  # not one of the chart's launchers
        ("runLauncher.config.k8sRunLauncher.envSecret", [{"name": "x"}]),  # misspelt key
        ("runLauncher.config.k8sRunLauncher.volumes", _DELETE),  # required
        ("dagsterDaemon.runCoordinator.config.queuedRunCoordinator.maxConcurentRuns", 4),
        ("dagster-user-deployments.deployments", [{"name": "social-pipeline", "port": 3030}]),  # no image
        ("global.dagsterHome", 1),
        ("telemetry.enable", False),
    ],
)
def test_broken_helm_values_are_rejected(path, value):
    assert _helm_errors(_mutated(path, value, "values.yaml")) != []


def test_helm_values_carry_the_same_instance_as_dagster_yaml(k8s_instance):
    values = _yaml(K8S / "values.yaml")
    launcher_cfg = k8s_instance["run_launcher"]["config"]
    helm = values["runLauncher"]["config"]["k8sRunLauncher"]
    assert [s["name"] for s in helm["envSecrets"]] == launcher_cfg["env_secrets"]
    assert [c["name"] for c in helm["envConfigMaps"]] == launcher_cfg["env_config_maps"]
    assert helm["envVars"] == launcher_cfg["env_vars"]
    assert (
        helm["volumes"] == launcher_cfg["volumes"] and helm["volumeMounts"] == launcher_cfg["volume_mounts"]
    )
    assert helm["runK8sConfig"]["containerConfig"] == launcher_cfg["run_k8s_config"]["container_config"]
    assert helm["failPodOnRunFailure"] is launcher_cfg["fail_pod_on_run_failure"] is True
    assert values["global"]["postgresqlSecretName"] == launcher_cfg["postgres_password_secret"]
    assert values["global"]["dagsterHome"] == launcher_cfg["dagster_home"]
    assert values["additionalInstanceConfig"]["concurrency"] == k8s_instance["concurrency"]
    monitoring = values["dagsterDaemon"]["runMonitoring"]
    snake = {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): v for k, v in monitoring.items()}
    assert snake == k8s_instance["run_monitoring"]
    coordinator = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert (
        coordinator["dequeueIntervalSeconds"]
        == k8s_instance["run_coordinator"]["config"]["dequeue_interval_seconds"]
    )
    # no credential in the values: Postgres's password is only in the Secret
    assert (
        "postgresqlPassword" not in values["postgresql"]
        and values["generatePostgresqlPasswordSecret"] is False
    )


def test_the_user_deployment_serves_the_workspace_code_location():
    values = _yaml(K8S / "values.yaml")
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    (location,) = _yaml(REPO_ROOT / "workspace.yaml")["load_from"]
    args = deployment["dagsterApiGrpcArgs"]
    assert args[args.index("--module-name") + 1] == location["python_module"]["module_name"]
    assert f"{deployment['image']['repository']}:{deployment['image']['tag']}" == IMAGE
    assert deployment["includeConfigInLaunchedRuns"] == {"enabled": True}
    assert {"name": EXECUTOR_ENV, "value": "k8s"} in deployment["env"]
    assert [s["name"] for s in deployment["envSecrets"]] == ["social-pipeline-credentials"]


# ---- Kubernetes manifests --------------------------------------------------------------------------------

_MODELS = {
    "ConfigMap": k8s.V1ConfigMap,
    "PersistentVolumeClaim": k8s.V1PersistentVolumeClaim,
    "Job": k8s.V1Job,
    "Secret": k8s.V1Secret,
}


def _model(doc: dict):
    cls = _MODELS[doc["kind"]]
    return k8s_model_from_dict(cls, k8s_snake_case_dict(cls, doc))


def test_manifests_parse_into_kubernetes_models():
    docs = _yaml_docs(K8S / "resources.yaml") + _yaml_docs(K8S / "secret.example.yaml")
    assert sorted(d["kind"] for d in docs) == ["ConfigMap", "Job", "PersistentVolumeClaim", "Secret"]
    for doc in docs:
        _model(doc)
    (pvc,) = [d for d in docs if d["kind"] == "PersistentVolumeClaim"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]  # every step pod mounts it
    (job,) = [d for d in docs if d["kind"] == "Job"]
    assert job["spec"]["template"]["spec"]["containers"][0]["image"] == IMAGE
    broken = copy.deepcopy(job)
    broken["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRefs"] = {"name": "x"}
    with pytest.raises(Exception, match="Unexpected keys"):
        _model(broken)


def test_the_configmap_sets_what_the_instance_and_pipeline_read(k8s_instance):
    (cm,) = [d for d in _yaml_docs(K8S / "resources.yaml") if d["kind"] == "ConfigMap"]
    data = cm["data"]
    pg = k8s_instance["storage"]["postgres"]["postgres_db"]
    for field in ("hostname", "username", "db_name", "port"):
        assert pg[field]["env"] in data
    assert k8s_instance["run_launcher"]["config"]["job_namespace"]["env"] in data
    settings = load_settings(data)  # the pipeline's own validation of its settings
    assert settings.lake_is_remote and settings.platform_mode == "live"
    assert data["DBT_TARGET"] in _yaml(REPO_ROOT / "dbt_project" / "profiles.yml")["social"]["outputs"]
    assert not any(re.search(r"TOKEN|SECRET|PASSWORD|_KEY$", k) for k in data), "credentials go in the Secret"


def test_the_example_secret_names_every_credential_and_holds_none():
    (secret,) = _yaml_docs(K8S / "secret.example.yaml")
    data = secret["stringData"]
    needed = {"SOCIAL_PSEUDONYM_KEY"}
    for platform in SUPPORTED:
        needed |= set(connector_module(platform).LIVE_CREDENTIALS)
    assert needed <= set(data)
    assert all(v == "" for v in data.values()), "secret.example.yaml must never hold a value"


# ---- the image: deploy/Dockerfile and .dockerignore (static: no docker daemon here) ----------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    assert not pending, "a continuation line ends the file"
    return out


def _needed_paths() -> set[str]:
    """What the code reads at run time, relative to the repository: the packages, and what
    orchestration.settings and the dbt resource find beside them (REPO_ROOT)."""
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    include = re.search(r"include = \[(.*?)\]", pyproject).group(1)
    packages = {p.strip().strip('"').rstrip("*") for p in include.split(",")}
    settings = load_settings({})
    files = {settings.brands_file, settings.dbt_project_dir, settings.expectations_dir}
    return {*packages, *(str(p.relative_to(REPO_ROOT)) for p in files), "pyproject.toml", "workspace.yaml"}


def dockerfile_problems(text: str) -> list[str]:
    ins = _instructions(text)
    problems = []
    args = dict(
        (a.split("=", 1) + [""])[:2] for kind, a in ins if kind == "ARG" and "=" in a
    )  # defaults of the ARGs
    expand = lambda s: re.sub(r"\$\{(\w+)\}", lambda m: args.get(m[1], m[0]), s)  # noqa: E731
    stages = [i for i, (kind, _) in enumerate(ins) if kind == "FROM"]
    if not stages:
        return ["no FROM"]
    for i in stages:
        base = expand(ins[i][1]).split()[0]
        if base != "python:3.11-slim":
            problems.append(f"stage {ins[i][1]!r} is not python:3.11-slim")
    final = ins[stages[-1] :]
    users = [a for kind, a in final if kind == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append("the final stage does not switch to a non-root USER")
    copied = set()
    for kind, a in ins:
        if kind == "COPY" and not a.startswith("--from"):
            parts = [p for p in shlex.split(a) if not p.startswith("--")]
            copied |= {p.rstrip("/") for p in parts[:-1]}
    for path in sorted(_needed_paths()):
        if path not in copied and "." not in copied:
            problems.append(f"{path} is not copied into the image")
    runs = " ".join(a for kind, a in ins if kind == "RUN")
    if "dbt parse" not in runs or "manifest.json" not in runs:
        problems.append("the dbt manifest is not parsed (and checked) at build time")
    if "pip install -e ." not in runs:
        problems.append("the project is not installed (editable, so settings find dbt_project/ beside it)")
    for lib in ("dagster-k8s", "dagster-postgres"):
        if lib not in runs:
            problems.append(f"{lib} is not installed")
    return problems


def test_dockerfile_builds_what_the_code_needs():
    text = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile_problems(text) == []
    ins = _instructions(text)
    # the integration libraries pinned to the versions installed here, which the tests above validated against
    args = {a.split("=", 1)[0]: a.split("=", 1)[1] for kind, a in ins if kind == "ARG" and "=" in a}
    assert args["DAGSTER_VERSION"] == importlib.metadata.version("dagster")
    assert args["DAGSTER_LIBS_VERSION"] == importlib.metadata.version("dagster-k8s")
    # the default command serves the workspace's code location
    (cmd,) = [json.loads(a) for kind, a in ins if kind == "CMD"]
    (location,) = _yaml(REPO_ROOT / "workspace.yaml")["load_from"]
    assert cmd[cmd.index("--module-name") + 1] == location["python_module"]["module_name"]
    # no credential baked in
    assert not re.search(r"(TOKEN|SECRET|PASSWORD|PSEUDONYM_KEY)\s*=", text)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("USER 10001:10001", "", "non-root USER"),
        ("COPY expectations/ expectations/", "", "expectations is not copied"),
        ("dbt parse", "dbt compile", "manifest is not parsed"),
        ("FROM ${PYTHON_IMAGE}\n", "FROM python:3.12\n", "is not python:3.11-slim"),
    ],
)
def test_a_broken_dockerfile_is_rejected(old, new, problem):
    text = (DEPLOY / "Dockerfile").read_text()
    assert old in text
    problems = dockerfile_problems(text.replace(old, new, 1))
    assert any(problem in p for p in problems), problems


def test_dockerignore_keeps_what_the_image_needs_and_drops_local_state():
    patterns = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        hit = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            pattern = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern + "/*"):
                hit = not negate
        return hit

    for path in _needed_paths():
        assert not ignored(path), f".dockerignore drops {path}, which the image needs"
    for path in (".venv", ".data", ".git", ".env", "dbt_project/target", "tests"):
        assert ignored(path), f".dockerignore must drop {path}"
