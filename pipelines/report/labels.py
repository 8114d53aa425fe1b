"""Every visible string of the reports, in Spanish (default) and English, read from data.

- `text(key, lang)`: titles, axes, legends, notes and the index page, from `seeds/labels/page_text.csv`
  (key, label_es, label_en; placeholders use str.format).
- `category(kind, value, lang)`: the label of a category code stored in the marts. Kinds defined by a
  seed take its label columns (CATEGORY_SEEDS: servant groups, body types, entity classifications,
  reference figures and identities), so a label is written once, where the rule is; every other kind
  comes from
  `seeds/labels/category_labels.csv` (kind, code, label_es, label_en).
- A null value has the code `none` (MISSING): its label is the kind's `none` row, or, for a kind a
  seed defines (whose seed lists only real codes), the `null_label` row of category_labels.csv whose
  code is the kind; else the generic `bool`/`none` ("Sin dato").

Notebooks never hard-code visible text: they look it up here, so `lang="en"` switches a whole report.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pipelines.paths import PROJECT_ROOT

LANGS = ("es", "en")
SEEDS = PROJECT_ROOT / "seeds"
PAGE_TEXT = SEEDS / "labels" / "page_text.csv"
CATEGORY_LABELS = SEEDS / "labels" / "category_labels.csv"
# kind -> (seed, its code column, Spanish label column, English label column): the labels live where
# the rule or the figure is defined.
CATEGORY_SEEDS = {
    "servant_group": (SEEDS / "rules" / "servant_groups.csv", "servant_group", "label_es", "label_en"),
    "body_type": (SEEDS / "rules" / "body_type_groups.csv", "body_type", "label_es", "label_en"),
    "entity_classification": (SEEDS / "rules" / "entity_classifications.csv", "entity_classification",
                              "label_es", "label_en"),
    "reference_figure": (SEEDS / "reference" / "reference_figures.csv", "figure_id", "label_es", "description"),
    "reference_identity": (SEEDS / "reference" / "reference_identities.csv", "check_id", "label_es", "description"),
    "classification_outcome": (SEEDS / "rules" / "classification_outcomes.csv", "rule_key", "label_es", "reason"),
    "pay_benchmark": (SEEDS / "compensation" / "pay_benchmark_checks.csv", "check_id", "label_es", "description"),
    "pay_annualization": (SEEDS / "compensation" / "pay_annualizations.csv", "annualization", "label_es", "label_en"),
    "table5_category": (SEEDS / "rules" / "table5_categories.csv", "table5_category", "label_es", "label_en"),
}
MISSING = "none"  # category code of a null value: fill_null(MISSING) keeps it a category of a chart
NULL_LABEL = "null_label"  # category_labels.csv kind: code = a seed-defined kind, label = its null's label


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def page_text() -> dict[str, tuple[str, str]]:
    """key -> (es, en)."""
    return {row["key"]: (row["label_es"], row["label_en"]) for row in _rows(PAGE_TEXT)}


@cache
def category_labels() -> dict[str, dict[str, tuple[str, str]]]:
    """kind -> code -> (es, en), from the rules seeds' label columns and category_labels.csv."""
    kinds: dict[str, dict[str, tuple[str, str]]] = {}
    for row in _rows(CATEGORY_LABELS):
        kinds.setdefault(row["kind"], {})[row["code"]] = (row["label_es"], row["label_en"])
    for kind, (seed, key, spanish, english) in CATEGORY_SEEDS.items():
        kinds[kind] = {row[key]: (row[spanish], row[english]) for row in _rows(seed)}
    return kinds


def _seed_mapping(seed: str, key: str, value: str) -> dict[str, str]:
    """A key -> value column pair of a rules seed: the groupings stay data an analyst edits once."""
    return {row[key]: row[value] for row in _rows(SEEDS / "rules" / f"{seed}.csv") if row[value]}


# Entity classification -> SERVIR 2016 Graph 6 group; body type -> Graph 5 category (from the seeds).
ENTITY_GROUP = _seed_mapping("entity_classifications", "entity_classification", "graph6_group")
GRAPH5_CATEGORY = _seed_mapping("body_type_groups", "body_type", "graph5_category")


def _index(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return LANGS.index(lang)


def _threshold() -> int:
    from pipelines.disclosure.suppress import threshold

    return threshold()


def text(key: str, lang: str = "es", **values: object) -> str:
    """The visible string `key` in `lang`, formatted with `values` ({threshold}: the suppression
    threshold of seeds/publication/suppression_rules.csv, unless given)."""
    entry = page_text()[key][_index(lang)]
    if "{threshold}" in entry and "threshold" not in values:
        values = {**values, "threshold": _threshold()}
    return entry.format(**values) if values else entry


def category(kind: str, value: object, lang: str = "es") -> str:
    """Label of a category code; unknown codes come back readable rather than failing."""
    kinds = category_labels()
    if value is None or value == MISSING:
        entry = kinds.get(kind, {}).get(MISSING) or kinds[NULL_LABEL].get(kind) or kinds["bool"][MISSING]
        return entry[_index(lang)]
    key = str(value).lower() if isinstance(value, bool) else str(value)
    entry = kinds.get(kind, {}).get(key)
    if entry is not None:
        return entry[_index(lang)]
    if kind == "sector":
        return sector(key)
    return key.replace("_", " ")


def categories(kind: str, values: Iterable[object], lang: str = "es") -> list[str]:
    return [category(kind, v, lang) for v in values]


def sector(name: str | None) -> str:
    """Registry sector names are upper case Spanish proper names: shown in sentence case, untranslated."""
    if not name:
        return "—"
    return name[:1].upper() + name[1:].lower()


def number(value: float | int | None, decimals: int = 0) -> str:
    """Comma thousands and dot decimals, as SERVIR's publications print them (11,003)."""
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def signed(value: float | int | None, decimals: int = 0) -> str:
    """A change with its sign (+12, -3, 0): number() with an explicit + for increases."""
    if value is None:
        return "—"
    if round(value, decimals) == 0:
        return number(0, decimals)
    return ("+" if value > 0 else "") + number(value, decimals)


def percent(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.{decimals}f}%"
