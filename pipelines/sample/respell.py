"""Read and write the sample's cell spellings, as `spanish.py` writes them: the contract value of a
spelling, a title in the other grammatical gender, dates in the row's own style, pay as "18050.00" or
"S/ 18,050.00". Used by `evolve` so that a changed cell reads like one the generator wrote."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import polars as pl

from pipelines.ingest import contract
from pipelines.sample import reference, spanish

# Date spellings as spanish.positions_table writes them: 15% dd/mm/yyyy, 5% "dd mon yyyy", else ISO.
DATE_STYLE_CUTS = (0.15, 0.20)
_STRIP = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")


def lookup(aliases: contract.ValueAliases, value: str) -> str | None:
    folded = contract.fold(value)
    if folded in aliases.exact:
        return aliases.exact[folded]
    return next((canon for frag, canon in aliases.contains if frag in folded), None)


def canonical(values: pl.Series, domain: str) -> np.ndarray:
    """Contract value of each spelling ('' when blank or unknown); one lookup per distinct spelling."""
    aliases = contract.value_aliases(domain)
    mapping = {v: lookup(aliases, v) or "" for v in values.drop_nulls().unique().to_list()}
    return values.replace_strict(mapping, default="", return_dtype=pl.Utf8).fill_null("").to_numpy()


@cache
def title_swaps() -> tuple[dict[str, str], dict[str, str]]:
    """Leading words of a masculine title -> feminine and back, read off the title vocabulary
    ("Procurador Público" <-> "Procuradora Pública"), in every house style the generator uses."""
    to_f: dict[str, str] = {}
    to_m: dict[str, str] = {}
    styles = (lambda s: s, str.upper, lambda s: s.translate(_STRIP), lambda s: s.translate(_STRIP).upper())
    vocab = reference.vocabulary()
    for title_m, title_f in vocab.select("title_m", "title_f").iter_rows():  # vocabulary rows, not positions
        for m, f in zip(title_m.split("|"), title_f.split("|"), strict=True):
            wm, wf = m.split(), f.split()
            diff = [i for i, (a, b) in enumerate(zip(wm, wf, strict=False)) if a != b]
            if not diff or len(wm) != len(wf):
                continue
            lead_m, lead_f = " ".join(wm[:diff[-1] + 1]), " ".join(wf[:diff[-1] + 1])
            for style in styles:
                to_f[style(lead_m)] = style(lead_f)
                to_m[style(lead_f)] = style(lead_m)
    return to_f, to_m


def swap_lead(title: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    """`title` with its leading words replaced through `mapping` (null where none matches)."""
    alternatives = "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
    pattern = rf"^({alternatives})(\s.*)?$"
    lead = title.str.extract(pattern, 1).replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    return lead + title.str.extract(pattern, 2).fill_null("")


def gendered_titles(titles: pl.Series, to_female: np.ndarray, to_male: np.ndarray) -> pl.Series:
    to_f, to_m = title_swaps()
    out = pl.DataFrame({"t": titles, "f": to_female, "m": to_male}).select(
        pl.when(pl.col("f")).then(swap_lead(pl.col("t"), to_f))
        .when(pl.col("m")).then(swap_lead(pl.col("t"), to_m))
        .fill_null(pl.col("t")).alias(titles.name))
    return out.to_series()


def spell_appointment(canonical: np.ndarray, u: np.ndarray) -> np.ndarray:
    return spanish._spell(pl.Series("condicion", canonical), spanish.APPOINTMENT, u).to_numpy()


def format_dates(days: np.ndarray, style: np.ndarray) -> pl.Series:
    """Epoch days spelled as spanish.positions_table does: 0 ISO, 1 dd/mm/yyyy, 2 'dd mon yyyy'."""
    df = pl.DataFrame({"d": pl.Series(days.astype(np.int32)).cast(pl.Date), "s": style})
    d = pl.col("d")
    month = d.dt.month().replace_strict(dict(enumerate(spanish.MONTHS, start=1)), return_dtype=pl.Utf8)
    return df.select(
        pl.when(pl.col("s") == 1).then(d.dt.strftime("%d/%m/%Y"))
        .when(pl.col("s") == 2).then(pl.format("{} {} {}", d.dt.strftime("%d"), month, d.dt.year()))
        .otherwise(d.dt.strftime("%Y-%m-%d")).alias("fecha_inicio")).to_series()


def date_style(written: pl.Series) -> np.ndarray:
    """The style of each written date (-1 when blank)."""
    return pl.DataFrame({"w": written}).select(
        pl.when(pl.col("w").is_null()).then(-1)
        .when(pl.col("w").str.contains("/")).then(1)
        .when(pl.col("w").str.contains(r"^\d{1,2} \S+ \d{4}$")).then(2)
        .otherwise(0)).to_series().to_numpy()


def drawn_date_style(u: np.ndarray) -> np.ndarray:
    return np.where(u < DATE_STYLE_CUTS[0], 1, np.where(u < DATE_STYLE_CUTS[1], 2, 0))


def parse_pay(written: pl.Series) -> np.ndarray:
    return written.str.replace_all(r"[S/ ,]", "").cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy()


def format_pay(amount: np.ndarray, soles: np.ndarray) -> pl.Series:
    """As spanish.positions_table: '18050.00' or 'S/ 18,050.00'."""
    pay = pl.col("p")
    return pl.DataFrame({"p": np.round(amount).astype(np.int64), "s": soles}).select(
        pl.when(pl.col("s")).then(pl.format("S/ {},{}.00", pay // 1000, (pay % 1000).cast(pl.Utf8).str.zfill(3)))
        .otherwise(pl.format("{}.00", pay)).alias("remuneracion")).to_series()
