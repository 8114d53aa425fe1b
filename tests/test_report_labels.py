"""The catalogue of what a reader sees is data, written once: category labels come from the seeds'
label columns (pipelines.report.labels), page text from seeds/labels/page_text.csv, and no label is
written in two places that could disagree. Also: the detector of internal codes and English
sentences that tests/test_reports.py runs on the rendered Spanish pages, tested on hand-written
examples."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from report_text import english_sentences, internal_codes

from pipelines.paths import PROJECT_ROOT
from pipelines.report import labels

SEEDS = PROJECT_ROOT / "seeds"
# Seeds whose label column is not a report label: the 2013 bill's row names, quoted as printed.
NOT_REPORT_LABELS = {"seeds/compensation/bill_2013_cost_inputs.csv"}
# Page text whose key ends in a category code and whose words are that code's label, with another
# meaning: "Entidades" heads a count of entities checked, not the input table ('table' kind) of that name.
SAME_WORDS_OTHER_MEANING = {"cap_entities"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _seeds_with_labels() -> list[Path]:
    return sorted(p for p in SEEDS.rglob("*.csv") if p.parent.name != "labels"
                  and "label_es" in (p.open(encoding="utf-8").readline().strip().split(",")))


def test_report_labels_are_the_seed_labels() -> None:
    """Every label a seed defines is the label the reports show, in both languages."""
    checked = 0
    for kind, (seed, key, spanish, english) in labels.CATEGORY_SEEDS.items():
        for row in _rows(seed):
            assert labels.category(kind, row[key], "es") == row[spanish], (kind, row[key])
            assert labels.category(kind, row[key], "en") == row[english], (kind, row[key])
            checked += 1
    assert checked > 100
    # The three labels issue 15 found written differently in labels.py: the seed's spelling wins.
    assert [labels.category("body_type", b, "es") for b in ("senior_management", "institutional_control",
                                                             "judicial_defense")] == \
        ["Alta Dirección", "Órgano de Control Institucional (OCI)", "Procuraduría Pública"]


def test_no_label_is_written_in_two_places() -> None:
    """category_labels.csv defines no kind a seed already labels, no seed's label column (keyed by
    a column named like a category kind) gives another label for a code category_labels.csv has, and
    no page text repeats a category label: a key ending in a category code (`col_unknown`: code
    `unknown`) whose Spanish or English words are that code's label is the label written a second time
    (the table columns col_national ... col_unknown were government_level's, the English already
    differing: "Unknown level" vs "Unknown")."""
    categories = labels.category_labels()
    repeated = []
    for key, texts in labels.page_text().items():
        parts = key.split("_")
        for code in ("_".join(parts[i:]) for i in range(1, len(parts))):
            repeated += [(key, kind) for kind, codes in categories.items()
                         if code in codes and any(a == b for a, b in zip(texts, codes[code], strict=True))]
    assert [r for r in repeated if r[0] not in SAME_WORDS_OTHER_MEANING] == []
    catalogue: dict[str, dict[str, tuple[str, str]]] = {}
    for row in _rows(labels.CATEGORY_LABELS):
        assert (row["code"] not in catalogue.get(row["kind"], {})), ("twice", row["kind"], row["code"])
        catalogue.setdefault(row["kind"], {})[row["code"]] = (row["label_es"], row["label_en"])
        assert row["label_es"] and row["label_en"], row
    assert not set(catalogue) & set(labels.CATEGORY_SEEDS)
    seeded = {seed for seed, *_ in labels.CATEGORY_SEEDS.values()}
    for seed in _seeds_with_labels():
        relative = seed.relative_to(PROJECT_ROOT).as_posix()
        if relative in NOT_REPORT_LABELS:
            continue
        assert seed in seeded, f"{relative} has label columns the reports do not read (add it to CATEGORY_SEEDS)"
        rows = _rows(seed)
        key = next(iter(rows[0]))
        for row in rows:
            other = catalogue.get(key, {}).get(row[key])
            assert other is None or other[0] == row["label_es"], (relative, row[key], other)


def test_page_text_is_complete_in_both_languages() -> None:
    text = labels.page_text()
    assert len(text) > 250 and all(es and en for es, en in text.values())
    keys = [row["key"] for row in _rows(labels.PAGE_TEXT)]
    assert len(keys) == len(set(keys))
    assert labels.category("role", "PS", "es") == "Político-estratégico"
    assert labels.category("role", "PS", "en") == "Political-strategic"
    with pytest.raises(ValueError, match="unknown language"):
        labels.text("snapshot", "fr")


def test_suppression_wording_states_the_seed_threshold() -> None:
    with (SEEDS / "publication" / "suppression_rules.csv").open(encoding="utf-8") as handle:
        thresholds = {row["threshold"] for row in csv.DictReader(handle)}
    assert len(thresholds) == 1
    (threshold,) = thresholds
    assert labels.text("suppressed", "es") == f"<{threshold}"
    assert f"menos de {threshold} personas" in labels.text("suppression_note", "es")


@pytest.mark.parametrize(("text", "codes"), [
    ("Puestos de DP que no son ADP (Regional)", []),
    ("pm_not_tpm_regional", ["pm_not_tpm_regional"]),
    ("Figura: ID-PM-TOTAL-ROWS", ["ID-PM-TOTAL-ROWS"]),
    ("Motivo: invalid_enum: 3", ["invalid_enum"]),
    ("officers_regional y positions_to_review", ["officers_regional", "positions_to_review"]),
    ("Gobierno regional (sede) · D. Leg. 276 · 2016-05-31 · 11,003", []),
])
def test_internal_codes_are_found(text: str, codes: list[str]) -> None:
    assert internal_codes(text) == codes


@pytest.mark.parametrize(("text", "found"), [
    ("Puestos directivos por nivel de gobierno", False),
    ("Las celdas con menos de 5 personas se suprimen y se muestran como «<5» (no son cero).", False),
    ("Management positions at the 4th organizational level", True),
    ("Public officers heading organizational units", True),  # no function word: caught by its nouns
    ("Share of management positions in ministries", True),
    ("Synthetic sample: real entities; synthetic positions and pay calibrated to SERVIR's figures.", True),
    ("Municipalidad Provincial de Lima", False),
])
def test_english_sentences_are_found(text: str, found: bool) -> None:
    assert bool(english_sentences([text])) is found


def test_a_null_or_unclassified_code_has_a_label_from_the_seeds() -> None:
    """Page 01 on the real snapshot showed the raw code 'unknown' (entities nothing classified) and
    filled nulls with a 'missing' sentinel labelled in page text. The labels now come from seed rows:
    entity_classifications.csv's 'unknown' row, a kind's 'none' row, or the null_label row of a kind
    a seed defines (the seed lists real codes only)."""
    assert labels.category("entity_classification", "unknown", "es") == "Sin clasificar"
    assert labels.category("entity_classification", "unknown", "en") == "Unclassified"
    assert labels.ENTITY_GROUP["unknown"] == "other"
    assert labels.category("body_type", None, "es") == labels.category("body_type", labels.MISSING, "es") \
        == "Sin tipo de órgano"
    assert labels.category("graph5_category", labels.MISSING, "en") == "No body type"
    assert labels.category("organizational_level", None, "es") == "Sin nivel"
    assert labels.category("labor_regime", None, "es") == "Sin dato"  # no row of its own: the generic one
    assert labels.category("sector", None, "es") == "Sin sector"  # graph 7's positions without a sector
    assert labels.category("sector", "SALUD", "es") == "Salud"  # registry names: sentence case
    # A null_label row is for a kind a seed defines; any other kind takes a 'none' row of its own.
    null_kinds = set(labels.category_labels()[labels.NULL_LABEL])
    assert null_kinds and null_kinds <= set(labels.CATEGORY_SEEDS), null_kinds


def test_the_unclassified_row_classifies_nothing() -> None:
    """entity_classifications.csv lists 'unknown' only for its labels: no rule, mapping or decision
    seed names it, so no position or entity can be classified through it."""
    named = []
    for seed in sorted(SEEDS.rglob("*.csv")):
        rows = _rows(seed)
        if seed.name != "entity_classifications.csv" and rows and "entity_classification" in rows[0]:
            named += [seed.name for row in rows if row["entity_classification"] == "unknown"]
    assert named == []
