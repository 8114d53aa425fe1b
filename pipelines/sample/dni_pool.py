"""Fresh fake DNIs for the sample's new occupants: never one of the base snapshot, never twice."""

from __future__ import annotations

import numpy as np
import polars as pl

DNI_LOW, DNI_RANGE = 90_000_000, 10_000_000  # the sample's fake DNIs: 9xxxxxxx


class DniPool:
    """Fake DNIs in the 9xxxxxxx range that collide with no DNI of the base nor with each other.
    Candidates are drawn in fixed-size batches, so the stream is one fixed sequence whatever the
    sizes asked for: the n-th fresh DNI of the output is the same whatever the chunking."""

    BATCH = 1 << 16

    def __init__(self, rng: np.random.Generator) -> None:
        self.used = np.zeros(DNI_RANGE, dtype=bool)
        self.rng = rng
        self.buffer = np.empty(0, dtype=np.int64)
        self.free = DNI_RANGE

    def mark(self, base_dnis: pl.Series) -> None:
        """DNIs of the base: never given again. Call before the first `take`."""
        ids = base_dnis.cast(pl.Int64, strict=False).drop_nulls().to_numpy()
        ids = ids[(ids >= DNI_LOW) & (ids < DNI_LOW + DNI_RANGE)] - DNI_LOW
        self.free -= int((~self.used[ids]).sum()) if ids.size else 0
        self.used[ids] = True

    def take(self, k: int) -> np.ndarray:
        if k > self.free + self.buffer.size:
            raise ValueError(f"the 9xxxxxxx DNI range has fewer than {k} unused numbers left")
        while self.buffer.size < k:  # batches of candidates, not rows
            cand = self.rng.integers(0, DNI_RANGE, self.BATCH)
            _, first = np.unique(cand, return_index=True)
            cand = cand[np.sort(first)]
            cand = cand[~self.used[cand]]
            self.used[cand] = True
            self.free -= cand.size
            self.buffer = np.concatenate([self.buffer, cand])
        out, self.buffer = self.buffer[:k], self.buffer[k:]
        return out + DNI_LOW
