-- Every management position of every snapshot, classified once with the project's assumption
-- switches (vars assume_a1/a2/a3/a4) and type-B reading (var type_b_variant; empty = the default row
-- of seeds/rules/type_b_readings.csv). All the logic is in macros/classify_positions.sql.
{{ classify_positions(flag('assume_a1'), flag('assume_a2'), flag('assume_a3'), var('type_b_variant', ''),
                      flag('assume_a4')) }}
