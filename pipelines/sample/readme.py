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
`seeds/inference/entity_classification_*.csv` (editable); las entidades que no clasifica se listan
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


EVOLVED_README = """# Muestra sintética evolucionada / Evolved synthetic sample

**Corte / snapshot:** {snapshot} · **semilla / seed:** {seed} · **entidades / entities:** {entities}
· **puestos / positions:** {positions}

**Base:** corte / snapshot {base_snapshot} (carpeta / folder `{base_name}`, {base_positions} puestos /
positions; `positions.csv` sha256 `{base_positions_sha}`, `entities.csv` sha256 `{base_entities_sha}`)

## Español

Estos archivos NO son un registro oficial ni una evolución observada. Son un corte posterior
**sintético** de la muestra base, generado con `pipelines.sample.evolve_snapshot` y las tasas
ilustrativas de `pipelines/sample/reference/evolution_rates.csv`. Toda fila lleva
`origen_datos = synthetic_sample`. Las entidades son las mismas; solo `total_puestos` cambia en el
saldo de puestos creados menos eliminados de cada entidad.

## English

These files are NOT an official registry nor an observed evolution. They are a **synthetic**
later snapshot of the base sample, made by `pipelines.sample.evolve_snapshot` with the
illustrative rates in `pipelines/sample/reference/evolution_rates.csv`. Every row carries
`origen_datos = synthetic_sample`. Entities are the same; only `total_puestos` moves by each
entity's positions created minus positions eliminated.

## Cambios / Changes ({base_snapshot} → {snapshot})

| Cambio / change | Puestos / positions |
|---|---:|
| Eliminados / removed (`codigo_puesto` solo en la base / only in the base) | {removed} |
| Nuevos / new (`codigo_puesto` solo en este corte / only in this snapshot) | {new} |
| Reclasificados / reclassified (`nivel_organizacional` o / or `tipo_organo`) | {reclassified} |
| · por nivel / by level | {reclassified_level} |
| · por tipo de órgano / by body type | {reclassified_body} |
| Cambio de ocupante / occupant changed (`dni` nuevo / new) | {occupant_changed} |
| · vacantes cubiertas / vacancies filled | {vacancies_filled} |
| Vacados / vacated (`dni` en blanco / blank) | {vacated} |
| Cambio de remuneración / pay changed | {pay_changed} |
| Sin cambios / unchanged | {unchanged} |

Puestos en la base / positions in the base: {positions_in}; en este corte / in this snapshot:
{positions_out} (= {positions_in} − {removed} + {new}).

Categorías / categories: {categories}

Coincidencias / overlaps: {overlaps}.

**Cómo / how.** Reclasificación: `nivel_organizacional` sube o baja uno (entre 2 y 4) o
`tipo_organo` cruza de línea a apoyo/asesoramiento (o al revés; desconcentrado pasa a línea), y
`tipo_funcion` lo sigue; cargo y unidad no se renombran. Nunca se eliminan ni reclasifican la Alta
Dirección (nivel 1), el OCI, la Procuraduría ni las gerencias de línea de nivel 2 de un gobierno
regional. Un ocupante nuevo trae DNI ficticio nuevo (rango 9xxxxxxx, sin repetir ninguno de la
base), sexo, fecha de inicio entre ambos cortes y el cargo en su género; un puesto vacado queda con
DNI, sexo y fecha en blanco y condición Vacante. Remuneración: ajuste general por régimen e
individual, redondeada a S/ 50 y dentro de los topes de la muestra. / Reclassification moves
`nivel_organizacional` by one (within 2-4) or moves `tipo_organo` across the line /
support-advisory divide (decentralized becomes line), `tipo_funcion` following; titles and units
are not renamed. Senior management (level 1), the OCI, the public attorney and a regional
government's level-2 line managements are never removed nor reclassified. A new occupant brings a
new fake DNI (9xxxxxxx, none of the base's), a sex, a start date between the two snapshots and the
title in their grammatical gender; a vacated position has blank DNI, sex and date and condicion
Vacante. Pay: general adjustment by labor regime plus individual changes, rounded to S/ 50, within
the sample's caps.
"""


def render_evolved(**fields: object) -> str:
    """README of a snapshot written by `evolve_snapshot` (fields: see EVOLVED_README)."""
    return EVOLVED_README.format(**fields)
