"""Benchmarks of the triage library: the learned classifier against a plain baseline."""
