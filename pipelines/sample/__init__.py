"""Embedded synthetic sample: real Peruvian entities, synthetic management positions calibrated
to SERVIR's published 2016 marginals. See `generate.py` and `reference/`; `evolve.py` writes a
later snapshot of a sample with plausible changes (removed, new, reclassified, new occupants...),
one block of rows at a time (`evolve_rows.py`, with `respell.py`, `dni_pool.py`, `csv_blocks.py`)."""

from pipelines.sample.evolve import evolve_snapshot
from pipelines.sample.generate import generate_sample

__all__ = ["evolve_snapshot", "generate_sample"]
