"""Benchmarks of issue #9: `make bench` (the standard workload) and `make bench-quick` (CI). See run.py."""
