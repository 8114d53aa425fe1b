"""`generate_sample`: the embedded synthetic sample (real entities, synthetic positions).

Same seed -> byte-identical files. Positions are generated and written in chunks of whole
entities, so memory stays bounded at large `scale` (benchmarks); at scale 1 there is one chunk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from pipelines.refresh.series import SeriesInfo, write_series
from pipelines.sample import reference, spanish
from pipelines.sample.frame import build_frame
from pipelines.sample.positions import body_mix, generate_chunk
from pipelines.sample.readme import render

DEFAULT_CHUNK_ROWS = 100_000
# Every sample snapshot belongs to one synthetic series, never compared with real extracts.
SAMPLE_SERIES = SeriesInfo(
    series="muestra-sintetica-2016", origin="synthetic",
    source="servir-pm sample: real entities (MEF, Portal de Transparencia), synthetic positions",
    description="Muestra sintética calibrada con las cifras publicadas por SERVIR (2016)")


def _blank_as_null(df: pl.DataFrame) -> pl.DataFrame:
    """Empty cells are written empty, not as a quoted empty string."""
    return df.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in df.columns)


def _chunks(sizes: np.ndarray, chunk_rows: int) -> list[np.ndarray]:
    """Consecutive groups of whole entities of about `chunk_rows` rows each."""
    groups: list[np.ndarray] = []
    start, acc = 0, 0
    for i, size in enumerate(sizes.tolist()):  # per entity (a few hundred), not per row
        acc += size
        if acc >= chunk_rows:
            groups.append(np.arange(start, i + 1))
            start, acc = i + 1, 0
    if start < len(sizes):
        groups.append(np.arange(start, len(sizes)))
    return groups


def generate_sample(out_dir: Path, seed: int = 20160531, scale: float = 1.0,
                    snapshot_date: str = "2016-05-31", chunk_rows: int = DEFAULT_CHUNK_ROWS) -> dict:
    """Write entities.csv, positions.csv and README.md into `out_dir`; return a small summary."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = build_frame(seed, scale)
    targets = reference.calibration_targets()
    mix = body_mix(frame, targets, np.random.default_rng([seed, 2]))
    vocab, places = reference.vocabulary(), reference.places()
    caps = dict(reference.pay_exceptions().select("registry_id", "max_monthly_pay").iter_rows())
    key_rng = np.random.default_rng([seed, 3])
    dni_key = (int(key_rng.integers(1, 500_000)) * 10 + 3, int(key_rng.integers(0, 10_000_000)))
    snapshot = np.datetime64(snapshot_date, "D")
    entity_ids = frame.entities["registry_id"].to_numpy()

    entities = spanish.entities_table(frame.entities)
    _blank_as_null(entities).write_csv(out_dir / "entities.csv")

    positions_path = out_dir / "positions.csv"
    groups = _chunks(frame.counts.sum(1), chunk_rows)
    offset = 0
    with positions_path.open("wb") as fh:
        for i, group in enumerate(groups):
            rng = np.random.default_rng([seed, 100, i])
            rows = generate_chunk(frame, mix, group, offset, rng, snapshot, caps, vocab, places, dni_key)
            table = spanish.positions_table(rows, entity_ids, rng)
            _blank_as_null(table).write_csv(fh, include_header=(i == 0))
            offset += rows.height
    (out_dir / "README.md").write_text(
        render(snapshot_date, seed, scale, entities.height, offset), encoding="utf-8")
    write_series(out_dir, SAMPLE_SERIES)
    return {
        "out_dir": str(out_dir),
        "files": ["entities.csv", "positions.csv", "README.md", "series.json"],
        "rows": {"entities": entities.height, "positions": offset},
        "chunks": len(groups),
        "seed": seed,
        "scale": scale,
        "snapshot_date": snapshot_date,
    }
