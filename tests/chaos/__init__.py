"""The chaos run (`make chaos`, `python -m tests.chaos`): a multi-day backfill of every platform against sandboxes
with fault injection on, measured against the sandboxes' ground truth; it writes RELIABILITY.md."""
