"""Build the embedded real-entity registry from `../shared/realdata` (run once, commit the output).

    python -m pipelines.sample.build_registry [--realdata ../shared/realdata]

Reads the MEF Consulta Amigable national budget (2016 rows: sector, pliego, executing unit, PIA)
and the Portal de Transparencia entity list (regional governments, the Metropolitan Municipality
of Lima, autonomous bodies not in the MEF file), classifies every entity with the maintained
mapping seeds (`seeds/inference/entity_classification_{overrides,patterns}.csv`, the rows whose
`applies_to` is `sample` or `both`: overrides first, then the first pattern of the row's
`sample_scope` that matches). The product's own inference reads the same seeds in dbt
(`int_entities_classified`); rows marked `sample` keep the synthetic sample's frozen mapping.
It writes, under `pipelines/sample/reference/`:

- `entity_registry.csv`: one row per classified entity or executing unit, with provenance
  (`source_file`, `source_id`, `source_name`) and how it was classified (`classified_by`);
- `unclassified_entities.csv`: rows no override or pattern matched. They are listed, never guessed.

A fresh clone does not need `../shared`: the generator reads only the committed files.
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipelines.paths import PROJECT_ROOT

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
SEEDS_DIR = PROJECT_ROOT / "seeds" / "inference"
SAMPLE_ROWS = ("sample", "both")  # entity_classification_*.applies_to values the sample uses
DEFAULT_REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"

MEF_FILE = "mef_consulta_amigable_GN_sector_pliego_ue_2015-2025.csv"
PTE_FILE = "pte_entidades.tsv"
PROVINCE_FILE = "jmc_ubigeo_provincia.csv"
BUDGET_YEAR = "2016"  # the snapshot SERVIR's published figures describe

REGISTRY_COLUMNS = (
    "registry_id", "entity_name", "government_level", "entity_classification", "sector",
    "parent_registry_id", "department", "budget_pia", "source_scope", "source_file", "source_id",
    "source_name", "classified_by",
)


def norm(text: str) -> str:
    """Upper case, no accents, single spaces: the form patterns are written against."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", ascii_only.upper()).strip()


def split_code(cell: str) -> tuple[str, str]:
    """MEF cells look like '004: PODER JUDICIAL' or '003-1411: CORTE ...'."""
    code, _, name = cell.partition(":")
    return code.strip(), name.strip()


def readable_name(name: str) -> str:
    """Expand MEF's abbreviations so names read as the entity calls itself."""
    name = re.sub(r"^M\. ", "MINISTERIO ", name)
    name = re.sub(r"^U\. ?N\. ", "UNIVERSIDAD NACIONAL ", name)
    return re.sub(r"\s+", " ", name).strip()


@dataclass(frozen=True)
class Pattern:
    order: int
    scope: str
    regex: re.Pattern[str]
    classification: str


def load_patterns() -> list[Pattern]:
    with (SEEDS_DIR / "entity_classification_patterns.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pats = [Pattern(int(r["rule_order"]), r["sample_scope"], re.compile(r["pattern"]),
                    r["entity_classification"]) for r in rows if r["applies_to"] in SAMPLE_ROWS]
    return sorted(pats, key=lambda p: p.order)


def load_overrides() -> dict[tuple[str, str], dict[str, str]]:
    with (SEEDS_DIR / "entity_classification_overrides.csv").open(encoding="utf-8", newline="") as fh:
        return {(r["source_file"], r["source_id"]): r for r in csv.DictReader(fh)
                if r["applies_to"] in SAMPLE_ROWS}


def classify(scope: str, source_file: str, source_id: str, name: str,
             patterns: list[Pattern], overrides: dict[tuple[str, str], dict[str, str]]) -> tuple[str, str]:
    """(classification, how) or ('', '') when nothing matches."""
    override = overrides.get((source_file, source_id))
    if override:
        return override["entity_classification"], "override"
    folded = norm(name)
    for pat in patterns:
        if pat.scope == scope and pat.regex.search(folded):
            return pat.classification, f"pattern {pat.order}"
    return "", ""


class DepartmentFinder:
    """Finds the department an entity name refers to: department names first, then province
    names and capitals (UGEL CHEPEN -> LA LIBERTAD). Longest name wins, whole words only."""

    def __init__(self, realdata: Path) -> None:
        with (realdata / PROVINCE_FILE).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        departments = {norm(r["departamento"]) for r in rows}
        self.departments = sorted(departments, key=len, reverse=True)
        places: dict[str, str] = {}
        for r in rows:
            for place in (r["provincia"], r["capital"]):
                key = norm(place)
                # 'SANTA' would catch 'HOSPITAL SANTA ROSA'; short ambiguous names are skipped.
                if len(key) >= 5 and key not in ("SANTA", "LIMA"):
                    places.setdefault(key, norm(r["departamento"]))
        self.places = sorted(places.items(), key=lambda kv: len(kv[0]), reverse=True)

    def find(self, name: str) -> str:
        folded = norm(name)
        for dep in self.departments:
            if re.search(rf"\b{re.escape(dep)}\b", folded):
                return dep
        if re.search(r"\bCALLAO\b", folded):
            return "CALLAO"
        for place, dep in self.places:
            if re.search(rf"\b{re.escape(place)}\b", folded):
                return dep
        return ""


def parse_amount(text: str) -> float:
    return float(text.replace(",", "")) if text.strip() else 0.0


def mef_rows(realdata: Path, patterns: list[Pattern], overrides: dict, deps: DepartmentFinder,
             ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """National pliegos (entities) and their non-principal executing units (type-B candidates)."""
    pliegos: dict[str, dict] = {}
    with (realdata / MEF_FILE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Año"] != BUDGET_YEAR:
                continue
            sector_code, sector_name = split_code(row["Sector"])
            pliego_code, pliego_name = split_code(row["Pliego"])
            ue_code, ue_name = split_code(row["Unidad Ejecutora"])
            ejecutora, _, sec_ejec = ue_code.partition("-")
            pliego_id = f"{sector_code}-{pliego_code}"  # pliego codes repeat across sectors
            pia = parse_amount(row["PIA"])
            entry = pliegos.setdefault(pliego_id, {"name": pliego_name, "sector": sector_name,
                                                   "pia": 0.0, "ues": []})
            entry["pia"] += pia
            entry["ues"].append((ejecutora, sec_ejec, ue_name, pia))
    classified: list[dict[str, str]] = []
    unclassified: list[dict[str, str]] = []
    for pliego_id, p in sorted(pliegos.items()):
        cls, how = classify("mef_pliego", MEF_FILE, pliego_id, p["name"], patterns, overrides)
        name = readable_name(p["name"])
        dep = deps.find(name) if cls in ("constitutionally_autonomous_agency", "public_university") else ""
        base = {"government_level": "national", "sector": p["sector"], "source_scope": "mef_pliego",
                "source_file": MEF_FILE, "source_id": pliego_id, "source_name": p["name"]}
        rec = {**base, "registry_id": f"GN-{pliego_id.replace('-', '')}", "entity_name": name,
               "entity_classification": cls, "parent_registry_id": "", "department": dep or "LIMA",
               "budget_pia": f"{p['pia']:.2f}", "classified_by": how}
        (classified if cls else unclassified).append(rec)
        # The lowest executing unit is the pliego's own administration, not a type-B unit.
        for _ejecutora, sec_ejec, ue_name, pia in sorted(p["ues"])[1:]:
            ucls, uhow = classify("mef_ue", MEF_FILE, sec_ejec, ue_name, patterns, overrides)
            urec = {**base, "registry_id": f"UE-{sec_ejec}", "entity_name": readable_name(ue_name),
                    "entity_classification": ucls, "parent_registry_id": rec["registry_id"],
                    "department": deps.find(ue_name) or "LIMA", "budget_pia": f"{pia:.2f}",
                    "source_scope": "mef_ue", "source_id": sec_ejec, "source_name": ue_name,
                    "classified_by": uhow}
            (classified if ucls else unclassified).append(urec)
    return classified, unclassified


def pte_rows(realdata: Path, patterns: list[Pattern], overrides: dict, deps: DepartmentFinder,
             ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Regional governments and their units, plus overridden entities the MEF file lacks
    (ESSALUD, SBS, BCRP, the Metropolitan Municipality of Lima and its agencies). Other national
    PTE rows duplicate MEF pliegos under other spellings, so only overridden ones are taken."""
    classified: list[dict[str, str]] = []
    unclassified: list[dict[str, str]] = []
    with (realdata / PTE_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    hq_by_dep: dict[str, str] = {}
    pending: list[dict[str, str]] = []
    for row in rows:
        sid, name, power = row["entidad_id"], row["entidad_nombre"].strip(), row["tipo_poder_nombre"]
        override = overrides.get((PTE_FILE, sid))
        if power != "Gobiernos regionales" and not override:
            continue
        cls, how = classify("pte_regional", PTE_FILE, sid, name, patterns, overrides)
        level = override["government_level"] if override else "regional"
        sector = norm(row["categoria"]) or norm(power)
        fixed = override["department"] if override else ""
        dep = fixed or deps.find(name) or ("LIMA" if level == "national" or "LIMA" in norm(name) else "")
        rec = {"registry_id": f"PTE-{sid}", "entity_name": re.sub(r"\s+", " ", name),
               "government_level": level, "entity_classification": cls, "sector": sector,
               "parent_registry_id": "", "department": dep, "budget_pia": "",
               "source_scope": "pte_regional" if power == "Gobiernos regionales" else "pte_override",
               "source_file": PTE_FILE, "source_id": sid, "source_name": row["entidad_nombre"],
               "classified_by": how}
        if cls == "regional_government_hq" and dep:
            hq_by_dep.setdefault(dep, rec["registry_id"])
        pending.append(rec)
    mml_ids = [r["registry_id"] for r in pending
               if r["entity_classification"] == "metropolitan_municipality_lima"]
    mml = mml_ids[0] if mml_ids else ""
    for rec in pending:
        if rec["entity_classification"] in ("decentralized_body", "program", "special_project"):
            # Units of Lima Metropolitana belong to the MML; others to their department's GR.
            lima_metro = "LIMA METROPOLITANA" in norm(rec["entity_name"])
            rec["parent_registry_id"] = mml if lima_metro else hq_by_dep.get(rec["department"], "")
        (classified if rec["entity_classification"] else unclassified).append(rec)
    return classified, unclassified


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: r["registry_id"]))


def write_places(realdata: Path, out_dir: Path) -> None:
    """Department -> province names (title case), used to name decentralized bodies."""
    with (realdata / PROVINCE_FILE).open(encoding="utf-8", newline="") as fh:
        rows = sorted({(norm(r["departamento"]), r["provincia"].strip().title()) for r in csv.DictReader(fh)})
    with (out_dir / "places.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["department", "province", "source_file"])
        writer.writerows((dep, prov, PROVINCE_FILE) for dep, prov in rows)


def build(realdata: Path = DEFAULT_REALDATA, out_dir: Path = REFERENCE_DIR) -> dict[str, int]:
    patterns, overrides = load_patterns(), load_overrides()
    deps = DepartmentFinder(realdata)
    mef_ok, mef_bad = mef_rows(realdata, patterns, overrides, deps)
    pte_ok, pte_bad = pte_rows(realdata, patterns, overrides, deps)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "entity_registry.csv", mef_ok + pte_ok)
    write_csv(out_dir / "unclassified_entities.csv", mef_bad + pte_bad)
    write_places(realdata, out_dir)
    return {"classified": len(mef_ok) + len(pte_ok), "unclassified": len(mef_bad) + len(pte_bad)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=DEFAULT_REALDATA)
    args = parser.parse_args()
    counts = build(args.realdata)
    print(f"entity_registry.csv: {counts['classified']} rows; "
          f"unclassified_entities.csv: {counts['unclassified']} rows (listed, not guessed)")


if __name__ == "__main__":
    main()
