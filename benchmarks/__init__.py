"""Benchmarks: scripts that print figures next to a baseline; never part of `make test`."""
