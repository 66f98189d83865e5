"""The executor of the main job, chosen by the environment (SOCIAL_EXECUTOR).

- unset or `in_process` (one machine: make, orchestration.run, the tests): Dagster's multi-or-in-process
  executor, but in-process unless a run's config asks for `multiprocess` (Dagster's default is the other way
  round): one process, no per-step re-import of the code location, for the daily run. A long backfill
  (orchestration.run, PARALLEL_FROM_DAYS) asks for two step processes: its ingest steps then run side by side.
- `k8s` (the cluster, deploy/kubernetes): dagster-k8s's `k8s_job_executor`, every step in its own Kubernetes
  Job/pod. The image, namespace, Secrets, ConfigMaps and volumes of the step pods are inherited from the
  K8sRunLauncher of the instance (deploy/kubernetes/dagster.yaml); only what is the executor's own is set here.

The concurrency pools (`warehouse_writer`, `<platform>_api`) are declared by the assets and enforced by the
instance for either executor: they do not change with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dagster as dg

EXECUTOR_ENV = "SOCIAL_EXECUTOR"
EXECUTORS = ("in_process", "k8s")

# The k8s_job_executor's own settings (its config schema: dagster_k8s.executor._K8S_EXECUTOR_CONFIG_SCHEMA;
# validated by tests/unit/test_kubernetes_deploy.py). Every step pod runs the same image as the run pod and
# imports the code location again.
K8S_EXECUTOR_CONFIG: dict = {
    # pods of one run at a time (per run, not global: the pools bound the API and warehouse steps across runs)
    "max_concurrent": int(os.environ.get("SOCIAL_K8S_MAX_CONCURRENT_STEPS", "6")),
    "step_k8s_config": {
        "container_config": {
            "resources": {
                "requests": {"cpu": "500m", "memory": "1Gi"},
                "limits": {"memory": "4Gi"},
            }
        },
    },
    # the dbt step (op social_dbt_models) builds the whole range in one `dbt build`: more memory
    # (BENCHMARKS.md: 1.17 to 1.54 GB peak on one machine with DuckDB; on Spark the cluster does the work
    # and this pod only drives it)
    "per_step_k8s_config": {
        "social_dbt_models": {
            "container_config": {
                "resources": {
                    "requests": {"cpu": "1", "memory": "2Gi"},
                    "limits": {"memory": "6Gi"},
                }
            }
        }
    },
}


def executor_name(env: Mapping[str, str] | None = None) -> str:
    name = (os.environ if env is None else env).get(EXECUTOR_ENV, "").strip() or "in_process"
    if name not in EXECUTORS:
        raise ValueError(f"{EXECUTOR_ENV} must be one of {EXECUTORS}, got {name!r}")
    return name


# Dagster's own executor (its config: {in_process: {...}} or {multiprocess: {max_concurrent, ...}}), with
# in-process as the default a run gets when its config says nothing.
LOCAL_EXECUTOR = dg.ExecutorDefinition(
    name="in_process_unless_multiprocess",
    config_schema=dg.Field(
        dg.multi_or_in_process_executor.config_schema.config_type, default_value={"in_process": {}}
    ),
    requirements=dg.multi_or_in_process_executor.get_requirements,
    executor_creation_fn=dg.multi_or_in_process_executor.executor_creation_fn,
    description="In-process unless the run's config asks for `multiprocess` (a long backfill does).",
)


def multiprocess_run_config(max_concurrent: int) -> dict:
    """The run config of a run whose steps go to `max_concurrent` processes of their own."""
    return {"execution": {"config": {"multiprocess": {"max_concurrent": max_concurrent}}}}


def job_executor(env: Mapping[str, str] | None = None) -> dg.ExecutorDefinition:
    """The executor of the main job: in-process by default, multiprocess by run config, or SOCIAL_EXECUTOR=k8s."""
    if executor_name(env) == "in_process":
        return LOCAL_EXECUTOR
    from dagster_k8s import k8s_job_executor  # the image installs dagster-k8s (deploy/Dockerfile)

    return k8s_job_executor.configured(K8S_EXECUTOR_CONFIG, name="k8s_step_pods")
