"""Benchmarks for GridWatch."""
