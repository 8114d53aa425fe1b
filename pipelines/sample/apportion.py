"""Integer allocation helpers: split an exact total across units in proportion to weights.

Calibration needs exact marginals (e.g. 1,296 national level-4 positions) while each entity keeps
its own random share; rounding each entity independently would drift by tens of positions.
"""

from __future__ import annotations

import numpy as np


def apportion(weights: np.ndarray, total: int, lower: np.ndarray | None = None,
              upper: np.ndarray | None = None) -> np.ndarray:
    """Largest-remainder split of `total` proportional to `weights`, within [lower, upper].

    Units that hit their upper bound are frozen and the rest is re-split among the others, so
    the result sums to `total` whenever sum(lower) <= total <= sum(upper).
    """
    n = len(weights)
    lo = np.zeros(n, dtype=np.int64) if lower is None else lower.astype(np.int64)
    hi = np.full(n, max(int(total), 0) + int(lo.sum())) if upper is None else upper.astype(np.int64)
    hi = np.maximum(hi, lo)
    total = int(min(max(total, lo.sum()), hi.sum()))
    out = lo.copy()
    w = np.clip(weights.astype(np.float64), 0, None)
    for _ in range(50):  # each pass freezes at least one saturated unit
        remaining = total - out.sum()
        room = hi - out
        active = (room > 0) & (w > 0)
        if remaining <= 0 or not active.any():
            break
        share = np.where(active, w, 0.0)
        exact = remaining * share / share.sum()
        add = np.minimum(np.floor(exact).astype(np.int64), room)
        out += add
        left = total - out.sum()
        if left > 0:
            frac = np.where(active & (out < hi), exact - np.floor(exact), -1.0)
            order = np.argsort(-frac, kind="stable")[:left]
            order = order[frac[order] >= 0]
            out[order] += 1
        if out.sum() == total:
            break
    if out.sum() < total:  # zero-weight units absorb whatever is left, in order
        for i in np.flatnonzero(hi > out):
            take = min(hi[i] - out[i], total - out.sum())
            out[i] += take
            if out.sum() == total:
                break
    return out


def rake(weights: np.ndarray, partitions: list[tuple[np.ndarray, np.ndarray]],
         minimum: np.ndarray, iterations: int = 60) -> np.ndarray:
    """Iterative proportional fitting of unit sizes to several marginals at once.

    Each partition is (category index per unit, target total per category). Sizes never fall
    below `minimum` (an entity needs a few units to have an organization chart at all).
    """
    x = weights.astype(np.float64).copy()
    for _ in range(iterations):
        for cats, targets in partitions:
            sums = np.bincount(cats, weights=x, minlength=len(targets))
            factor = np.divide(targets, sums, out=np.ones_like(targets, dtype=np.float64), where=sums > 0)
            x = np.maximum(x * factor[cats], minimum)
    return x
