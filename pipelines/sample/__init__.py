"""Embedded synthetic sample: real Peruvian entities, synthetic management positions calibrated
to SERVIR's published 2016 marginals. See `generate.py` and `reference/`."""

from pipelines.sample.generate import generate_sample

__all__ = ["generate_sample"]
