"""Pedidose benchmarks: `python -m bench` (see README)."""
