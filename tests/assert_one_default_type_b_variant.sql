-- seeds/rules/type_b_readings.csv: exactly one variant is the default (is_default), otherwise the
-- classification would read type-B units with no variant at all. Returns a row when that fails.
select count(distinct variant) as default_variants
from {{ ref('type_b_readings') }}
where is_default
having count(distinct variant) <> 1
