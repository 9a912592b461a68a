"""Benchmarks of issue 13: a reproducible caseload generator and a runner (`make bench`).

Not tests: nothing here is collected by pytest, and nothing here asserts a time.
"""
