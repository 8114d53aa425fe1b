"""Every visible string of the reports, in Spanish (default) and English.

`text(key, lang)` gives a title, axis, legend or note; `category(kind, value, lang)` gives the label of
a category code stored in the marts (government levels, roles, servant groups, body types, entity
classifications, ...). Notebooks never hard-code visible text: they look it up here, so `lang="en"`
switches a whole report.
"""

from __future__ import annotations

LANGS = ("es", "en")

# key -> (es, en). Placeholders use str.format.
TEXT: dict[str, tuple[str, str]] = {
    # page frame
    "snapshot": ("Corte", "Snapshot"),
    "generated": ("Generado", "Generated"),
    "sources": ("Fuentes", "Sources"),
    "caveats": ("Advertencias", "Caveats"),
    "source_marts": ("marts del pipeline servir-pm ({marts})", "servir-pm pipeline marts ({marts})"),
    "source_servir": ("SERVIR (2016), Modelo de gestión del grupo de directivos públicos",
                      "SERVIR (2016), Management Model of the Public Managers Group"),
    "synthetic_banner": (
        "Muestra sintética: entidades reales; puestos y remuneraciones sintéticos calibrados con cifras "
        "publicadas por SERVIR (2016). No usar como dato oficial.",
        "Synthetic sample: real entities; synthetic positions and pay calibrated to SERVIR's published "
        "2016 figures. Not official data."),
    "synthetic_short": ("Muestra sintética", "Synthetic sample"),
    "suppressed": ("<5", "<5"),
    "suppressed_long": ("suprimido (menos de 5 personas)", "suppressed (fewer than 5 people)"),
    "suppression_note": (
        "Las celdas con menos de 5 personas se suprimen y se muestran como «<5» (no son cero).",
        "Cells with fewer than 5 people are suppressed and shown as “<5” (they are not zero)."),
    "sector_names_note": (
        "Los nombres de sector y de entidad se muestran como figuran en el registro.",
        "Sector and entity names are shown as they appear in the registry (in Spanish)."),
    "not_available": ("Marts no disponibles en esta construcción: {marts}.",
                      "Marts not available in this build: {marts}."),
    "no_rows": ("Sin registros para este corte.", "No rows for this snapshot."),
    "positions": ("Puestos", "Positions"),
    "positions_axis": ("Puestos directivos", "Management positions"),
    "people": ("Personas", "People"),
    "share": ("Participación", "Share"),
    "total": ("Total", "Total"),
    "of_total": ("del total", "of total"),
    "government_level": ("Nivel de gobierno", "Government level"),
    "organizational_level": ("Nivel organizacional", "Organizational level"),
    "org_level_n": ("Nivel {n}", "Level {n}"),
    "org_level_missing": ("Sin nivel", "No level"),
    "body_type": ("Tipo de órgano", "Body type"),
    "entity_group": ("Grupo de entidades", "Entity group"),
    "entity_classification": ("Clasificación de la entidad", "Entity classification"),
    "sector": ("Sector", "Sector"),
    "department": ("Departamento", "Department"),
    "role": ("Rol", "Role"),
    "servant_group": ("Grupo de servidores", "Servant group"),
    "entity": ("Entidad", "Entity"),
    "other": ("Otros", "Other"),
    "monthly_pay": ("Remuneración mensual (S/)", "Monthly pay (PEN)"),
    "median_pay": ("Mediana mensual (S/)", "Median monthly pay (PEN)"),
    # 00 resumen
    "brief_title": ("Resumen para la alta dirección", "Leadership brief"),
    "brief_intro": (
        "Cifras principales del grupo de directivos públicos en el corte, calculadas desde los marts del "
        "pipeline. Pase el cursor sobre los gráficos para ver los valores exactos.",
        "Headline figures of the public managers group in this snapshot, computed from the pipeline's "
        "marts. Hover over the charts to see exact values."),
    "kpi_management_positions": ("Puestos directivos", "Management positions"),
    "kpi_pm": ("Directivos públicos (DP)", "Public managers (PM)"),
    "kpi_tpm": ("Alta dirección pública (ADP)", "Top public management (TPM)"),
    "kpi_share_appointed": ("Puestos de confianza", "Appointed (confianza)"),
    "kpi_share_appointed_hint": ("de los puestos directivos", "of management positions"),
    "kpi_pm_hint": ("{share} de los puestos directivos", "{share} of management positions"),
    "kpi_tpm_hint": ("{share} de los DP", "{share} of PM"),
    "kpi_caps": ("Entidades que superan un tope", "Entities above a cap"),
    "kpi_caps_hint": ("de {n} entidades y unidades", "of {n} entities and units"),
    "kpi_median_pay": ("Mediana de remuneración DP", "Median PM pay"),
    "kpi_median_pay_hint": ("mensual, {level}", "monthly, {level}"),
    "kpi_pay_missing": ("Remuneraciones: marts no disponibles", "Pay: marts not available"),
    "kpi_pay_no_data": ("Sin dato: el registro no trae remuneraciones", "No data: the registry carries no pay"),
    "no_data": ("sin dato", "no data"),
    "kpi_bounds": ("{confirmed} confirmados; hasta {upper} con {review} puestos por revisar",
                   "{confirmed} confirmed; up to {upper} with {review} positions to review"),
    "chart_positions_by_level": ("Puestos directivos por nivel de gobierno",
                                 "Management positions by government level"),
    "chart_groups_by_level": ("Funcionarios, directivos y servidores de carrera por nivel de gobierno",
                              "Officers, managers and career servants by government level"),
    "chart_roles_by_level": ("Directivos públicos por rol y nivel de gobierno",
                             "Public managers by role and government level"),
    "chart_tpm_by_level": ("Alta dirección pública (ADP) dentro de los DP", "Top public management (TPM) within PM"),
    "chart_caps_share": ("Entidades según topes de confianza", "Entities by appointee caps"),
    "chart_pay_by_level": ("Mediana de remuneración mensual de DP por nivel", "Median monthly PM pay by level"),
    "brief_notes": (
        "DP = directivo público; ADP = alta dirección pública. Los puestos de confianza en el registro son "
        "una cota inferior (solo puestos directivos).",
        "PM = public manager; TPM = top public management. Appointed positions in the registry are a lower "
        "bound (management positions only)."),
    # 01 puestos directivos
    "positions_title": ("Puestos directivos", "Management positions"),
    "positions_intro": (
        "Dónde están los puestos directivos: por nivel de gobierno, nivel organizacional, tipo de órgano, "
        "grupo de entidades y sector (forma de los Gráficos 3 a 7 de SERVIR, 2016).",
        "Where the management positions are: by government level, organizational level, body type, entity "
        "group and sector (shape of SERVIR 2016 Graphs 3 to 7)."),
    "g3": ("Puestos directivos por nivel de gobierno (Gráfico 3)",
           "Management positions by government level (Graph 3)"),
    "g4": ("Puestos directivos por nivel organizacional (Gráfico 4)",
           "Management positions by organizational level (Graph 4)"),
    "g5": ("Puestos directivos por tipo de órgano (Gráfico 5)", "Management positions by body type (Graph 5)"),
    "g6": ("Puestos directivos por grupo de entidades (Gráfico 6)", "Management positions by entity group (Graph 6)"),
    "g7": ("Puestos directivos por sector (Gráfico 7, 15 mayores)", "Management positions by sector (Graph 7, top 15)"),
    "appointed_share_by_level": ("Participación de puestos de confianza por nivel de gobierno",
                                 "Share of appointed positions by government level"),
    "dept_title": ("Puestos directivos por departamento", "Management positions by department"),
    "dept_missing": (
        "Vista por departamento: los marts de este corte no incluyen el departamento de la entidad.",
        "Department view: this snapshot's marts do not carry the entity's department."),
    "appointed": ("De confianza", "Appointed"),
    "not_appointed": ("Otros", "Other"),
    # 02 directivos y alta dirección
    "managers_title": ("Directivos públicos y alta dirección pública", "Public managers and top public management"),
    "managers_intro": (
        "Clasificación de los puestos directivos en funcionarios públicos (FP), directivos públicos (DP) y "
        "servidores civiles de carrera (SC); alta dirección pública (ADP) y roles de los DP "
        "(Cuadros 9 y 12, Gráficos 15 a 17, 21 y 22 de SERVIR, 2016).",
        "Classification of management positions into public officers (PO), public managers (PM) and career "
        "civil servants (CA); top public management (TPM) and PM roles (SERVIR 2016 Tables 9 and 12, "
        "Graphs 15 to 17, 21 and 22)."),
    "t9": ("Cuadro 9: puestos por grupo de servidores y nivel de gobierno",
           "Table 9: positions by servant group and government level"),
    "t12": ("Cuadro 12: alta dirección pública por nivel de gobierno", "Table 12: top public management by level"),
    "g15": ("Funcionarios, directivos y servidores de carrera (Gráfico 15)",
            "Officers, managers and career servants (Graph 15)"),
    "g16": ("ADP frente al total de DP (Gráfico 16)", "TPM compared with all PM (Graph 16)"),
    "caps_readings_title": ("Lecturas de los topes y exceso de designados por nivel de gobierno",
                            "Cap readings and appointees above the caps by government level"),
    "caps_readings_note": ("Redondeo hacia abajo (por defecto: «en ningún caso será mayor», art. 29) o al entero más "
                           "cercano; unidades tipo B con tope propio (por defecto) o sumadas a su entidad matriz. "
                           "Los designados por encima del tope son los concursos de mérito necesarios para cumplir. "
                           "Los funcionarios públicos no cuentan en el tope del 5 %.",
                           "Rounding down (default: 'in no case greater', Art. 29) or to the nearest whole number; "
                           "type-B units capped on their own (default) or with their parent entity. Appointees above "
                           "the cap are the merit competitions needed to comply. Public officers do not count in the "
                           "5% cap."),
    "cap_reading": ("Lectura", "Reading"),
    "cap_entities": ("Entidades", "Entities"),
    "cap_pm_cap_breaches": ("Sobre el tope del 20 %", "Above the 20% cap"),
    "cap_appointed_pm_above_cap": ("Designados DP sobre el tope", "Appointed PM above the cap"),
    "cap_entity_cap_breaches": ("Sobre el tope del 5 %", "Above the 5% cap"),
    "cap_appointed_above_entity_cap": ("Designados sobre el tope del 5 %", "Appointees above the 5% cap"),
    "tpm_by_item_title": ("ADP por ítem del Cuadro 11 y clasificación de entidad",
                          "TPM by Table 11 item and entity classification"),
    "tpm_item": ("Ítem del Cuadro 11", "Table 11 item"),
    "appointed_share": ("% designados", "% appointed"),
    "pm_coverage_title": ("Quién ocupa los puestos DP y ADP: Cuerpo de Gerentes Públicos, designados, mujeres",
                          "Who holds PM and TPM positions: Public Managers Corps, appointees, women"),
    "scope": ("Ámbito", "Scope"),
    "occupied": ("Ocupados", "Occupied"),
    "pmc_share": ("% Cuerpo de Gerentes Públicos", "% Public Managers Corps"),
    "women_share": ("% mujeres", "% women"),
    "unit_type_title": ("Directivos de entidades tipo A y de unidades tipo B",
                        "Managers in type-A entities and type-B units"),
    "unit_type": ("Tipo de unidad", "Unit type"),
    "unit_type_note": ("Los Cuadros 7 y 8 solo consideran entidades tipo A (nota 52); las unidades tipo B se leen con "
                       "la variante del supuesto A2 (por defecto, la fila de organismos públicos).",
                       "Tables 7 and 8 cover type-A entities only (footnote 52); type-B units are read with the "
                       "variant of assumption A2 (by default, the public agencies' row)."),
    "rule_cells_title": ("Qué regla decidió cuántos puestos (Cuadros 7/8/15/16)",
                         "Which rule decided how many positions (Tables 7/8/15/16)"),
    "rule_key": ("Regla", "Rule"),
    "type_b": ("En unidades tipo B", "In type-B units"),
    "rule_cells_note": ("Celdas de los cuadros que no decidieron ningún puesto: {unused}.",
                        "Table cells that decided no position: {unused}."),
    "tpm3_title": ("Cuadro 11, ítem 3: gerencias regionales de la ADP por gobierno regional",
                   "Table 11 item 3: TPM regional managements per regional government"),
    "tpm3_note": ("Una gerencia por materia y gobierno regional, aunque tenga otro nombre: a lo sumo "
                  "{managements} × {governments} = {max_tpm} puestos de ADP regional por este ítem; la fuente "
                  "publica {published} (hallazgo de la fuente). Duplicada: varios puestos la nombran y solo uno "
                  "cuenta como ADP. Faltan: {missing}.",
                  "One management per subject and regional government, whatever its name: at most "
                  "{managements} × {governments} = {max_tpm} regional TPM positions under this item; the source "
                  "prints {published} (a source finding). Duplicated: several positions name it and only one "
                  "counts as TPM. Missing: {missing}."),
    "management": ("Gerencia", "Management"),
    "status_present": ("Presente", "Present"),
    "status_duplicated": ("Duplicada", "Duplicated"),
    "status_missing": ("Falta", "Missing"),
    "g17": ("ADP por nivel de gobierno (Gráfico 17)", "TPM by government level (Graph 17)"),
    "g21": ("DP por rol en el Gobierno Nacional (Gráfico 21)", "PM by role in the National Government (Graph 21)"),
    "g22": ("DP por rol en los gobiernos regionales (Gráfico 22)", "PM by role in regional governments (Graph 22)"),
    "roles_by_sector": ("DP por rol y sector (15 sectores con más DP)",
                        "PM by role and sector (15 sectors with most PM)"),
    "tpm": ("ADP", "TPM"),
    "pm_not_tpm": ("DP no ADP", "PM not TPM"),
    "pm": ("DP", "PM"),
    "tpm_share_of_pm": ("ADP / DP", "TPM / PM"),
    "share_of_all_tpm": ("Parte del total ADP", "Share of all TPM"),
    "col_national": ("Nacional", "National"),
    "col_regional": ("Regional", "Regional"),
    "col_local": ("Local", "Local"),
    "col_unknown": ("Sin nivel", "Unknown level"),
    "managers_notes": (
        "Lima Metropolitana se cuenta en el nivel regional (Cuadros 8 y 16). Los roles: PE político-estratégico, "
        "E estratégico, OE operativo-estratégico.",
        "Metropolitan Lima is counted at regional level (Tables 8 and 16). Roles: PS political-strategic, "
        "S strategic, OS operational-strategic."),
    # 03 topes
    "caps_title": ("Topes de servidores de confianza", "Appointee (confianza) caps"),
    "caps_intro": (
        "Por entidad: directivos públicos de confianza frente al tope del {pm_cap} de los puestos DP, y todos "
        "los puestos de confianza frente al tope del {entity_cap} del total de puestos de la entidad "
        "(mínimo 2, máximo 50).",
        "Per entity: appointed public managers against the cap of {pm_cap} of PM positions, and all appointed "
        "positions against the cap of {entity_cap} of the entity's total positions (at least 2, at most 50)."),
    "kpi_pm_cap_breach": ("Superan el tope de DP de confianza", "Above the appointed-PM cap"),
    "kpi_entity_cap_breach": ("Superan el tope de confianza de la entidad", "Above the entity's appointee cap"),
    "kpi_entity_cap_unknown": ("Sin total de puestos (tope no evaluable)", "No total positions (cap not assessable)"),
    "kpi_entities": ("Entidades y unidades evaluadas", "Entities and units assessed"),
    "caps_by_level": ("Entidades que superan cada tope, por nivel de gobierno", "Entities above each cap, by level"),
    "caps_scatter": ("Confianza por entidad: puestos de confianza frente al tope de la entidad",
                     "Appointees per entity: appointed positions against the entity cap"),
    "caps_scatter_x": ("Tope de DP de confianza (máximo permitido)", "Appointed-PM cap (maximum allowed)"),
    "caps_scatter_y": ("DP de confianza", "Appointed PM"),
    "caps_line": ("Línea: en el tope", "Line: at the cap"),
    "caps_top": ("Entidades con mayor exceso sobre el tope de la entidad (20 mayores)",
                 "Entities furthest above the entity cap (top 20)"),
    "caps_by_group": ("Participación de entidades sobre el tope de DP, por clasificación",
                      "Share of entities above the PM cap, by classification"),
    "pm_cap_breach": ("Tope DP", "PM cap"),
    "entity_cap_breach": ("Tope entidad", "Entity cap"),
    "breach": ("Supera", "Above"),
    "within": ("Dentro", "Within"),
    "unknown": ("Sin dato", "Unknown"),
    "excess": ("Exceso", "Excess"),
    "appointed_positions": ("Puestos de confianza", "Appointed positions"),
    "max_allowed": ("Máximo permitido", "Maximum allowed"),
    "caps_notes": (
        "El registro contiene solo puestos directivos: los puestos de confianza son una cota inferior de los "
        "servidores de confianza de la entidad, por lo que un «dentro» puede no serlo.",
        "The registry holds management positions only: appointed positions are a lower bound of the entity's "
        "appointed servants, so “within” may not hold."),
    "caps_dept": ("Entidades sobre el tope de DP por departamento", "Entities above the PM cap by department"),
    # 04 brechas remunerativas
    "pay_title": ("Brechas remunerativas", "Pay gaps"),
    "pay_intro": (
        "Distribución de la remuneración mensual, brechas entre niveles de gobierno y regímenes laborales, "
        "topes legales, valorización en el nuevo régimen (ilustrativa) y costo de transición.",
        "Distribution of monthly pay, gaps between government levels and labor regimes, legal benchmarks, "
        "valuation under the new regime (illustrative) and transition cost."),
    "pay_box": ("Remuneración mensual por rol y nivel de gobierno (p10–p90, mediana)",
                "Monthly pay by role and government level (p10–p90, median)"),
    "pay_gap_inter": ("Brecha intergubernamental: mediana frente al Gobierno Nacional",
                      "Intergovernmental gap: median relative to the National Government"),
    "pay_gap_regime": ("Brecha por régimen laboral: mediana frente a todos los regímenes",
                       "Labor-regime gap: median relative to all regimes pooled"),
    "ratio_axis": ("Mediana / mediana de referencia", "Median / reference median"),
    "pay_benchmarks": ("Topes legales de remuneración: puestos que los superan",
                       "Legal pay benchmarks: positions breaking them"),
    "valuation": ("Valorización (ilustrativa) frente a la remuneración actual, por categoría",
                  "Valuation (illustrative) against current pay, by category"),
    "valuation_illustrative": (
        "La valorización usa parámetros ilustrativos (seed valuation_parameters): no son montos oficiales.",
        "The valuation uses illustrative parameters (seed valuation_parameters): not official amounts."),
    "transition": ("Costo anual de transición al nuevo régimen, por régimen laboral",
                   "Annual cost of the transition to the new regime, by labor regime"),
    "current_annual": ("Costo anual actual", "Current annual cost"),
    "new_annual": ("Costo anual nuevo", "New annual cost"),
    "increase": ("Incremento", "Increase"),
    "valued_annual": ("Valorizado anual", "Valued annual"),
    "million_pen": ("Millones de S/ por año", "Million PEN per year"),
    "check": ("Control", "Check"),
    "positions_in_scope": ("Puestos en alcance", "Positions in scope"),
    "breaches": ("Superan", "Breaches"),
    "pay_notes": (
        "Remuneración mensual de puestos ocupados con pago registrado. Las medianas de grupos con menos de 5 "
        "personas se suprimen.",
        "Monthly pay of occupied positions with recorded pay. Medians of groups with fewer than 5 people are "
        "suppressed."),
    # 05 conciliación y calidad
    "quality_title": ("Conciliación y calidad", "Reconciliation and quality"),
    "quality_intro": (
        "¿Coinciden las cifras con las publicadas? ¿Qué filas se pusieron en cuarentena, qué puestos quedaron "
        "sin clasificar y cuánto movió cada supuesto?",
        "Do the figures match what was published? Which rows were quarantined, which positions were left "
        "unclassified, and how much did each assumption move?"),
    "recon_chart_test": ("Cifras calculadas frente a publicadas (diferencia relativa)",
                         "Computed against published figures (relative difference)"),
    "recon_chart_comparison": ("Cifras publicadas 2016 frente a este corte (diferencia relativa)",
                               "SERVIR's 2016 published figures against this snapshot (relative difference)"),
    "recon_axis": ("(calculado − publicado) / publicado", "(computed − published) / published"),
    "recon_table_test": ("Conciliación con cifras publicadas", "Reconciliation with published figures"),
    "recon_note_test": ("{n} de {total} cifras fuera de la tolerancia (todas en el gráfico anterior).",
                        "{n} of {total} figures outside the tolerance (all are in the chart above)."),
    "recon_table_comparison": ("Cifras publicadas 2016 frente a este corte",
                               "SERVIR's 2016 published figures against this snapshot"),
    "recon_note_comparison": (
        "SERVIR publicó estas {total} cifras en 2016 para su propio relevamiento; este corte es de otra fecha "
        "o cobertura. Las diferencias describen cuánto cambió o qué cubre cada fuente: no son errores ni una "
        "prueba que el corte deba pasar.",
        "SERVIR published these {total} figures in 2016 for its own survey; this snapshot has another date or "
        "coverage. The differences describe what changed or what each source covers: they are not errors, nor "
        "a test the snapshot must pass."),
    "published_2016": ("Publicado (SERVIR 2016)", "Published (SERVIR 2016)"),
    "computed_snapshot": ("Este corte", "This snapshot"),
    "kpi_recon_compared": ("Cifras publicadas 2016 comparadas", "2016 published figures compared"),
    "source_findings_note": ("{n} de {total} identidades de la fuente no cuadran; se listan abajo.",
                             "{n} of {total} identities of the source do not add up; listed below."),
    "source_findings": ("Hallazgos en la fuente publicada (aritmética de SERVIR, 2016)",
                        "Findings in the published source (SERVIR 2016's own arithmetic)"),
    "kpi_recon_ok": ("Cifras dentro de la tolerancia", "Figures within tolerance"),
    "kpi_source_findings": ("Inconsistencias en la fuente", "Inconsistencies in the source"),
    "kpi_quarantined": ("Filas en cuarentena", "Quarantined rows"),
    "kpi_unclassified": ("Puestos sin clasificar", "Unclassified positions"),
    "figure": ("Cifra", "Figure"),
    "published": ("Publicado", "Published"),
    "computed": ("Calculado", "Computed"),
    "difference": ("Diferencia", "Difference"),
    "tolerance": ("Tolerancia", "Tolerance"),
    "within_tolerance": ("Dentro de tolerancia", "Within tolerance"),
    "yes": ("Sí", "Yes"),
    "no": ("No", "No"),
    "note": ("Nota", "Note"),
    "descriptions_en_note": (
        "Las descripciones de cada cifra están en inglés en el seed reference_figures; aquí se identifican por "
        "su código (figure_id) y se describen en el informe en inglés.",
        "Figure descriptions come from the reference_figures seed."),
    "quarantine_title": ("Filas en cuarentena por archivo", "Quarantined rows by file"),
    "file": ("Archivo", "File"),
    "table": ("Tabla", "Table"),
    "rows_read": ("Filas leídas", "Rows read"),
    "rows_valid": ("Válidas", "Valid"),
    "rows_quarantined": ("En cuarentena", "Quarantined"),
    "reason": ("Motivo", "Reason"),
    "manifest_missing": ("No se encontró el manifiesto de ingesta de este corte.",
                         "The ingestion manifest of this snapshot was not found."),
    "unclassified_title": ("Puestos sin clasificar, por motivo", "Unclassified positions, by reason"),
    "unclassified_none": ("Todos los puestos quedaron cubiertos por una regla.",
                          "Every position was covered by a rule."),
    "assumptions_title": ("Impacto de los supuestos: puestos que cambian si se desactiva cada uno",
                          "Assumption impact: positions that move if each is switched off"),
    "assumption": ("Supuesto", "Assumption"),
    "positions_touched": ("Puestos decididos", "Positions decided"),
    "positions_moved": ("Puestos que cambian", "Positions moved"),
    "moves": ("Cambios (sin supuesto → con supuesto)", "Moves (without → with assumption)"),
    "from_state": ("Sin el supuesto", "Without the assumption"),
    "to_state": ("Con el supuesto", "With the assumption"),
    "quality_notes_test": (
        "Las cifras publicadas son las de SERVIR (2016); con la muestra sintética sólo los marginales de "
        "entrada están calibrados, por lo que las cifras derivadas pueden diferir.",
        "Published figures are SERVIR's (2016); with the synthetic sample only the input marginals are "
        "calibrated, so derived figures may differ."),
    "quality_notes_comparison": (
        "Las cifras publicadas son las de SERVIR (2016), de su propio relevamiento de 188 entidades; este "
        "corte tiene otra fecha y cobertura, así que se muestran como referencia, no como una prueba.",
        "Published figures are SERVIR's (2016), from its own survey of 188 entities; this snapshot has another "
        "date and coverage, so they are shown as a reference, not as a test."),
    # 06 evolución entre cortes
    "evo_title": ("Evolución entre cortes", "Change between snapshots"),
    "evo_intro": (
        "Cómo cambia el grupo de directivos públicos de un corte al siguiente: cuántos son, cuántos son de "
        "confianza, cuánto ganan, qué puestos se crearon, eliminaron o reclasificaron y cuántos cambiaron de "
        "ocupante.",
        "How the public managers group changes from one snapshot to the next: how many there are, how many "
        "are appointed, what they earn, which positions were created, removed or reclassified, and how many "
        "changed occupant."),
    "evo_compared": ("Se compara el corte {snapshot} con el corte anterior, {previous}.",
                     "Snapshot {snapshot} is compared with the previous one, {previous}."),
    "evo_first": ("Este es el primer corte de su serie, así que no hay un corte anterior con el cual compararlo.",
                  "This is the first snapshot of its series, so there is no previous snapshot to compare it with."),
    "evo_series": ("Serie: {series}. Un corte sólo se compara con el anterior de su misma serie (nunca una "
                   "muestra sintética con un corte real).",
                   "Series: {series}. A snapshot is only compared with the previous one of the same series (never "
                   "a synthetic sample with a real snapshot)."),
    "evo_change_hint": ("{change} frente a {previous}", "{change} vs {previous}"),
    "evo_points": ("{change} p. p.", "{change} pts"),
    "change": ("Cambio", "Change"),
    "kpi_pm_appointed_share": ("DP de confianza", "Appointed PM"),
    "kpi_turnover": ("Rotación de ocupantes", "Occupant turnover"),
    "kpi_turnover_hint": ("{changes} de {compared} puestos ocupados cambiaron de ocupante o quedaron vacantes",
                          "{changes} of {compared} occupied positions changed occupant or fell vacant"),
    "kpi_turnover_missing": ("sin IDs de ocupante en los registros", "no occupant IDs in the registries"),
    "evo_trend": ("Tendencia por corte", "Trend by snapshot"),
    "evo_trend_groups": ("Directivos públicos, alta dirección pública y servidores de carrera por corte",
                         "Public managers, top public management and career servants by snapshot"),
    "evo_trend_groups_read": (
        "Cada punto es un corte; pase el cursor para ver el valor y el cambio frente al corte anterior. La ADP "
        "es parte de los DP.",
        "Each point is a snapshot; hover to see the value and the change from the previous snapshot. TPM is "
        "part of PM."),
    "evo_trend_pm_level": ("Directivos públicos por nivel de gobierno", "Public managers by government level"),
    "evo_trend_pm_level_read": (
        "Una línea por nivel de gobierno; un nivel con menos de 5 DP en un corte no se dibuja.",
        "One line per government level; a level with fewer than 5 PM in a snapshot is not drawn."),
    "evo_trend_share": ("Participación de confianza entre los DP", "Appointed share among PM"),
    "evo_trend_share_read": (
        "Porcentaje de DP designados como personal de confianza; «Todos» es el total de los niveles.",
        "Percentage of PM who are political appointees (confianza); “All” is every level together."),
    "evo_trend_pay": ("Mediana de remuneración mensual de DP", "Median monthly PM pay"),
    "evo_trend_pay_read": (
        "Mediana nominal (sin ajustar por inflación) de los DP ocupados con remuneración registrada.",
        "Nominal median (not adjusted for inflation) of occupied PM positions with recorded pay."),
    "evo_ca": ("Servidores de carrera (SC)", "Career servants (CA)"),
    "pct_axis": ("Porcentaje de los DP", "Share of PM"),
    "evo_changes": ("Qué cambió en este corte", "What changed into this snapshot"),
    "evo_changes_note": (
        "Puestos del registro (todos los grupos) que cambiaron desde {previous}; un puesto puede tener más de un "
        "cambio.",
        "Registry positions (every group) that changed since {previous}; a position can have more than one "
        "change."),
    "chg_new": ("Puestos nuevos", "New positions"),
    "chg_removed": ("Puestos eliminados", "Removed positions"),
    "chg_reclassified": ("Puestos reclasificados", "Reclassified positions"),
    "chg_replaced": ("Cambio de ocupante", "Occupant replaced"),
    "chg_vacated": ("Quedaron vacantes", "Fell vacant"),
    "chg_filled": ("Vacantes cubiertas", "Vacancies filled"),
    "chg_new_hint": ("no figuraban en {previous}", "not in {previous}"),
    "chg_removed_hint": ("ya no figuran en el registro", "no longer in the registry"),
    "chg_reclassified_hint": ("otro grupo, rol o condición ADP", "other group, role or TPM status"),
    "chg_replaced_hint": ("ocupados en ambos cortes, por otra persona", "occupied in both, by someone else"),
    "chg_vacated_hint": ("ocupados antes, vacantes ahora", "occupied before, vacant now"),
    "chg_filled_hint": ("vacantes antes, ocupados ahora", "vacant before, occupied now"),
    "evo_changes_chart": ("Puestos que cambiaron, por tipo de cambio y grupo",
                          "Positions that changed, by kind of change and group"),
    "evo_changes_chart_read": (
        "Cada barra es un tipo de cambio, dividida por grupo (los DP por rol); un puesto eliminado cuenta en su "
        "último grupo y los grupos con menos de 5 puestos no se dibujan (los totales están arriba).",
        "Each bar is a kind of change, split by group (PM by role); a removed position counts in its last group, "
        "and groups of fewer than 5 positions are not drawn (the totals are above)."),
    "evo_no_changes": ("Ningún puesto cambió entre {previous} y {snapshot}.",
                       "No position changed between {previous} and {snapshot}."),
    "pm_role_label": ("DP · {role}", "PM · {role}"),
    "evo_reclass": ("Reclasificaciones: clasificación anterior → actual",
                    "Reclassifications: previous → current classification"),
    "evo_reclass_read": ("Filas: clasificación en {previous}; columnas: en {snapshot}.",
                         "Rows: classification in {previous}; columns: in {snapshot}."),
    "evo_reclass_diagonal": ("Con la misma clasificación antes y ahora, cambió solo la condición ADP.",
                             "With the same classification before and now, only the TPM status changed."),
    "evo_reclass_none": ("Ningún puesto cambió de grupo, de rol ni de condición ADP.",
                         "No position changed servant group, role or TPM status."),
    "previous_classification": ("Clasificación anterior", "Previous classification"),
    "evo_turnover": ("Rotación de ocupantes", "Occupant turnover"),
    "evo_turnover_note": (
        "Rotación = puestos que cambiaron de ocupante o quedaron vacantes, sobre los puestos ocupados en el "
        "corte anterior que siguen existiendo (puestos directivos: DP, SC y no determinados).",
        "Turnover = positions that changed occupant or fell vacant, over the positions occupied in the "
        "previous snapshot that still exist (management positions: PM, CA and not determined)."),
    "evo_turnover_role": ("Rotación de ocupantes por rol", "Occupant turnover by role"),
    "evo_turnover_level": ("Rotación de ocupantes por nivel de gobierno", "Occupant turnover by government level"),
    "evo_turnover_read": (
        "Pase el cursor para ver cuántos puestos cambiaron de ocupante o quedaron vacantes, y sobre cuántos.",
        "Hover to see how many positions changed occupant or fell vacant, out of how many."),
    "evo_turnover_top": ("Entidades con mayor rotación (al menos 5 puestos comparados; 15 mayores)",
                         "Entities with the highest turnover (at least 5 positions compared; top 15)"),
    "evo_turnover_top_none": ("Ninguna entidad con al menos 5 puestos comparados tuvo cambios de ocupante.",
                              "No entity with at least 5 positions compared had occupant changes."),
    "evo_turnover_missing": ("Los registros no traen IDs de ocupante: la rotación no se puede medir.",
                             "The registries carry no occupant IDs: turnover cannot be measured."),
    "turnover_axis": ("Rotación", "Turnover"),
    "positions_compared": ("Puestos comparados", "Positions compared"),
    "occupants_replaced": ("Cambio de ocupante", "Occupant replaced"),
    "positions_vacated": ("Quedaron vacantes", "Fell vacant"),
    "evo_notes": (
        "Un puesto se sigue entre cortes por su código (position_id): un puesto recodificado cuenta como "
        "eliminado y nuevo. Las remuneraciones son nominales. Nunca se muestra quién ocupa un puesto, solo si el "
        "ocupante cambió.",
        "A position is followed across snapshots by its code (position_id): a recoded position counts as removed "
        "and new. Pay is nominal. Who holds a position is never shown, only whether the occupant changed."),
}

# kind -> code -> (es, en)
CATEGORIES: dict[str, dict[str, tuple[str, str]]] = {
    "government_level": {
        "national": ("Nacional", "National"),
        "regional": ("Regional", "Regional"),
        "local": ("Local", "Local"),
        "unknown": ("Sin nivel", "Unknown"),
        "total": ("Total", "Total"),
        "all": ("Todos", "All"),
    },
    "role": {
        "PS": ("Político-estratégico", "Political-strategic"),
        "S": ("Estratégico", "Strategic"),
        "OS": ("Operativo-estratégico", "Operational-strategic"),
        "CA": ("Servidor de carrera", "Career servant"),
    },
    "role_short": {"PS": ("PE", "PS"), "S": ("E", "S"), "OS": ("OE", "OS"), "CA": ("SC", "CA")},
    "servant_group": {
        "PO": ("Funcionario público", "Public officer"),
        "PM": ("Directivo público", "Public manager"),
        "CA": ("Servidor civil de carrera", "Career civil servant"),
        "not_determined": ("No determinado", "Not determined"),
        "excluded": ("Excluido", "Excluded"),
        "not_management": ("No es puesto directivo", "Not a management position"),
    },
    "body_type": {
        "senior_management": ("Alta dirección", "Senior management"),
        "line": ("Órgano de línea", "Line body"),
        "consultative": ("Órgano consultivo", "Consultative body"),
        "decentralized": ("Órgano desconcentrado", "Decentralized body"),
        "support": ("Órgano de apoyo", "Support body"),
        "advisory": ("Órgano de asesoramiento", "Advisory body"),
        "institutional_control": ("Control institucional (OCI)", "Institutional control (OCI)"),
        "judicial_defense": ("Procuraduría pública", "Judicial defense"),
    },
    # SERVIR 2016 Graph 5 categories (seed body_type_groups.graph5_category)
    "graph5_category": {
        "senior_management": ("Alta dirección", "Senior management"),
        "support_advisory": ("Apoyo y asesoramiento", "Support and advisory"),
        "line": ("Línea", "Line"),
        "decentralized": ("Desconcentrados", "Decentralized"),
    },
    "entity_classification": {
        "ministry": ("Ministerio", "Ministry"),
        "regulatory_agency": ("Organismo regulador", "Regulatory agency"),
        "specialized_technical_agency": ("Organismo técnico especializado", "Specialized technical agency"),
        "public_executing_agency": ("Organismo público ejecutor", "Public executing agency"),
        "administrative_system_body": ("Ente rector de sistema administrativo", "Administrative system body"),
        "constitutionally_autonomous_agency": ("Organismo constitucionalmente autónomo",
                                               "Constitutionally autonomous agency"),
        "judicial_branch": ("Poder Judicial", "Judicial branch"),
        "social_security_fund": ("ESSALUD (sede central)", "ESSALUD (headquarters)"),
        "legislative_branch": ("Congreso de la República", "Congress"),
        "state_company": ("Empresa pública", "State company"),
        "regional_government_hq": ("Gobierno regional (sede)", "Regional government (HQ)"),
        "metropolitan_municipality_lima": ("Municipalidad Metropolitana de Lima", "Metropolitan Municipality of Lima"),
        "regional_public_agency": ("Organismo público regional", "Regional public agency"),
        "local_government": ("Municipalidad", "Municipality"),
        "program": ("Programa", "Program"),
        "special_project": ("Proyecto especial", "Special project"),
        "decentralized_body": ("Órgano desconcentrado con registro propio", "Decentralized body (own registry)"),
        "public_university": ("Universidad pública", "Public university"),
        "central_reserve_bank": ("Banco Central de Reserva del Perú", "Central Reserve Bank"),
    },
    # SERVIR 2016 Graph 6 groups (seed entity_classifications.graph6_group)
    "entity_group": {
        "regional_hq": ("Sedes de gobiernos regionales", "Regional government headquarters"),
        "technical_specialized": ("Organismos técnicos especializados y reguladores",
                                  "Specialized technical and regulatory agencies"),
        "ministries": ("Ministerios", "Ministries"),
        "other": ("Otros", "Other"),
    },
    "labor_regime": {
        "dl276": ("D. Leg. 276", "D.Leg. 276"),
        "dl728": ("D. Leg. 728", "D.Leg. 728"),
        "cas": ("CAS (D. Leg. 1057)", "CAS (D.Leg. 1057)"),
        "pmc": ("Cuerpo de Gerentes Públicos", "Public Managers Corps"),
        "law30057": ("Ley 30057 (servicio civil)", "Law 30057 (civil service)"),
        "special_career": ("Carreras especiales", "Special careers"),
        "other": ("Otro", "Other"),
        "unknown": ("Sin dato", "Unknown"),
    },
    # seeds/rules/assumptions.csv (descriptions there are in English)
    "assumption": {
        "A1": ("Los órganos desconcentrados cuentan como órganos de línea",
               "Decentralized bodies count as line bodies"),
        "A2": ("Las unidades tipo B (programas, proyectos especiales, órganos desconcentrados con registro propio) "
               "se clasifican a través de su entidad matriz, en la fila de organismos públicos de su nivel de gobierno",
               "Type-B units (programs, special projects, decentralized bodies with their own registry rows) are "
               "classified through their parent entity, on the public agencies' row of its government level"),
        "A3": ("La alta dirección (nivel 1) de los ministerios es funcionario público, como dicen el Cuadro 7 y las "
               "notas 53/59; desactivado = DP/PE como imprime el Cuadro 15",
               "Ministries' level-1 (senior management) cell is PO, as Table 7 and footnotes 53/59 say; off = PM/PS "
               "as Table 15 prints"),
        "A4": ("Los jefes de órganos desconcentrados de organismos públicos y organismos constitucionalmente "
               "autónomos son servidores de carrera, no directivos públicos",
               "Heads of decentralized bodies of public bodies and constitutionally autonomous agencies are career "
               "servants, not public managers"),
    },
    # tpm_rules.management (Table 11 item 3, 000:1109-1112)
    "tpm_management": {
        "economic_development": ("Desarrollo económico", "Economic development"),
        "social_development": ("Desarrollo social", "Social development"),
        "infrastructure": ("Infraestructura", "Infrastructure"),
        "natural_resources_environment": ("Recursos naturales y gestión del medio ambiente",
                                          "Natural resources & environment management"),
    },
    "unit_type": {"type_a": ("Entidad tipo A", "Type-A entity"), "type_b": ("Unidad tipo B", "Type-B unit")},
    # seeds/rules/confianza_cap_readings.csv
    "cap_reading": {
        "floor_own": ("Hacia abajo, tope propio (por defecto)", "Floor, own cap (default)"),
        "round_own": ("Al más cercano, tope propio", "Round, own cap"),
        "floor_with_parent": ("Hacia abajo, tipo B con su matriz", "Floor, type B with parent"),
        "round_with_parent": ("Al más cercano, tipo B con su matriz", "Round, type B with parent"),
    },
    # mart_assumption_impact.scenario: the assumption switched off, or A2 read with another type-B
    # variant (seeds/rules/type_b_readings.csv)
    "assumption_scenario": {
        "off": ("desactivado", "switched off"),
        "variant:parent_row": ("fila de la sede de la entidad matriz", "parent's headquarters row"),
        "variant:public_agency_row": ("fila de organismos públicos", "public agencies' row"),
        "variant:level_shifted": ("fila de la matriz, un nivel más abajo", "parent's row one level down"),
    },
    "tolerance_type": {"relative": ("relativa", "relative"), "absolute": ("absoluta", "absolute"),
                       "at_least": ("mínimo", "lower bound"), "at_most": ("máximo", "upper bound"),
                       "upper_bound": ("cota superior", "upper bound")},
    "check_type": {
        "published_vs_computed": ("Publicado frente a calculado", "Published vs computed"),
        "source_consistency": ("Consistencia de la fuente", "Source consistency"),
    },
    "bool": {"true": ("Sí", "Yes"), "false": ("No", "No"), "none": ("Sin dato", "Unknown")},
}

def _seed_mapping(seed: str, key: str, value: str) -> dict[str, str]:
    """A key -> value column pair of a rules seed: the groupings stay data an analyst edits once."""
    import csv

    from pipelines.paths import PROJECT_ROOT

    with (PROJECT_ROOT / "seeds" / "rules" / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return {row[key]: row[value] for row in csv.DictReader(handle) if row[value]}


# Entity classification -> SERVIR 2016 Graph 6 group; body type -> Graph 5 category (from the seeds).
ENTITY_GROUP = _seed_mapping("entity_classifications", "entity_classification", "graph6_group")
GRAPH5_CATEGORY = _seed_mapping("body_type_groups", "body_type", "graph5_category")


def _index(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return LANGS.index(lang)


def text(key: str, lang: str = "es", **values: object) -> str:
    """The visible string `key` in `lang`, formatted with `values`."""
    entry = TEXT[key][_index(lang)]
    return entry.format(**values) if values else entry


def category(kind: str, value: object, lang: str = "es") -> str:
    """Label of a category code; unknown codes come back readable rather than failing."""
    if value is None:
        return CATEGORIES["bool"]["none"][_index(lang)]
    key = str(value).lower() if isinstance(value, bool) else str(value)
    entry = CATEGORIES.get(kind, {}).get(key)
    if entry is not None:
        return entry[_index(lang)]
    if kind == "sector":
        return sector(key)
    return key.replace("_", " ")


def categories(kind: str, values, lang: str = "es") -> list[str]:  # type: ignore[no-untyped-def]
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
