"""The README written next to the sample: what is real, what is synthetic (Spanish and English)."""

from __future__ import annotations

README = """# Muestra sintética incorporada / Embedded synthetic sample

**Corte / snapshot:** {snapshot} · **semilla / seed:** {seed} · **escala / scale:** {scale}
· **entidades / entities:** {entities} · **puestos / positions:** {positions}

## Español

Estos archivos NO son un registro oficial. Combinan **entidades reales** con **puestos
sintéticos** calibrados a las cifras publicadas por SERVIR (2016), *Modelo de Gestión del Grupo
de Directivos Públicos*, cap. I sec. 2 (11 003 puestos directivos: 6 831 nacionales y 4 172
regionales; 188 entidades y 182 programas, proyectos u órganos desconcentrados).
Toda fila lleva `origen_datos = synthetic_sample`.

**Real:** nombres, códigos, sectores y PIA 2016 de los pliegos y unidades ejecutoras del Gobierno
Nacional (MEF, Consulta Amigable: `mef_consulta_amigable_GN_sector_pliego_ue_2015-2025.csv`);
gobiernos regionales, Municipalidad Metropolitana de Lima, ESSALUD, SBS y BCRP (Portal de
Transparencia Estándar: `pte_entidades.tsv`); departamentos y provincias (UBIGEO INEI/RENIEC,
`jmc_ubigeo_provincia.csv`). El tipo de entidad se asigna con la tabla de correspondencias
`seeds/sample/entity_classification_*.csv` (editable); las entidades que no clasifica se listan
en `pipelines/sample/reference/unclassified_entities.csv`.

**Sintético:** los puestos directivos, sus cargos y unidades orgánicas (según la nomenclatura
de la Tabla 19), niveles, tipos de órgano, condición, régimen laboral, remuneraciones, sexo,
fechas, subordinados, DNI (números ficticios en el rango 9xxxxxxx), total de puestos por entidad
y la marca de anexo 09 (ilustrativa, no es la lista oficial). Las remuneraciones son
ilustrativas y respetan las referencias de `compensation_reference.csv` (tope de S/ 30 000 salvo
las excepciones documentadas en `pipelines/sample/reference/pay_exceptions.csv`).
No use estas cifras para decisiones: sirven para probar el flujo y los reportes.

## English

These files are NOT an official registry. They combine **real entities** with **synthetic
positions** calibrated to SERVIR's published 2016 figures (*Management Model of the Peruvian
Civil Service Public Managers Group*, ch. I sec. 2). Every row carries
`origen_datos = synthetic_sample`.

**Real:** names, codes, sectors and 2016 PIA budgets of National Government pliegos and
executing units (MEF Consulta Amigable); regional governments, the Metropolitan Municipality of
Lima, ESSALUD, SBS and BCRP (Portal de Transparencia Estándar); departments and provinces
(UBIGEO). Entity classification comes from the editable mapping seed; unmatched entities are
listed, not guessed.

**Synthetic:** management positions, titles and unit names (Table 19 nomenclature), levels, body
types, appointment, labor regime, pay, sex, dates, reports, DNI (fake numbers in the 9xxxxxxx
range), total positions per entity and the annex-09 flag (illustrative, not the official list).
Only SERVIR's input marginals were calibration targets; derived figures (public managers, TPM,
career heads) follow from the classification rules and are not tuned.
Do not use these numbers for decisions: they exist to exercise the pipeline and the reports.
"""


def render(snapshot: str, seed: int, scale: float, entities: int, positions: int) -> str:
    return README.format(snapshot=snapshot, seed=seed, scale=scale, entities=entities, positions=positions)
