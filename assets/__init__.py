import warnings

# Single-run backfill policies are what keep a year's backfill to one run; Dagster marks the parameter beta.
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy`.*beta")
