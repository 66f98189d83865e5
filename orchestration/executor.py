"""The executor of the main job, chosen by the environment (SOCIAL_EXECUTOR).

- unset or `in_process` (one machine: make, orchestration.run, the tests): Dagster's in-process executor, as
  before; one process, no per-step re-import of the code location.
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


def job_executor(env: Mapping[str, str] | None = None) -> dg.ExecutorDefinition:
    """The executor of the main job: in-process unless SOCIAL_EXECUTOR=k8s."""
    if executor_name(env) == "in_process":
        return dg.in_process_executor
    from dagster_k8s import k8s_job_executor  # the image installs dagster-k8s (deploy/Dockerfile)

    return k8s_job_executor.configured(K8S_EXECUTOR_CONFIG, name="k8s_step_pods")
