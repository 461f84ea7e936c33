"""Benchmark harness: ``python -m bench --orgs 1000 --locales en,es`` (see README)."""
