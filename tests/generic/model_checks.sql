{#- Every plain check of one model or seed in one test node (issue 16): dbt spends ~30 ms of its own
    Python per test node whatever the table's size, so one node per model instead of one per check
    or kind of check. The arguments mean what the one-check tests they replace meant:
      not_null:            [column, ...]                        dbt's not_null
      unique:              [column, ...]                        dbt's unique (nulls are not keys)
      unique_combinations: [[column, ...], ...]                 unique_combination (nulls are)
      accepted_values:     [{column, values, quote}, ...]       dbt's accepted_values (null passes;
                                                                quote, default true: text literals)
      relationships:       [{column, to, field, where}, ...]    dbt's relationships; `where` filters
                                                                this model's rows for that check only
      expressions:         [expression or {column, expression}, ...]  expression_is_true
    A failure row is (check_name, column_or_expression, value_field, n_records): which check, on
    which column(s) or expression, the value that broke it (the null, the value outside the set or
    the parent, the repeated key; for an expression the row's key, the first of `unique` or
    `unique_combinations`) and its rows. "Got N results" counts the failing rows of the model.

    The row checks (all but uniqueness) read the model once: one scan keeps the rows that break any
    of them (normally none) in a materialized CTE (inlined, it would be scanned once per check),
    and each check's failure rows are taken from those few (at scale 127 as cheap as one filtered
    scan per check, which DuckDB prunes with column statistics). Each key is grouped once; a
    combination on its hash first (cheaper than grouping its text columns on position-level tables),
    then only the combinations whose hash repeats, normally none, on their values, so two that
    merely share a hash are not reported. `model` is already filtered by the node's `where`
    (macros/batch.sql). -#}
{% test model_checks(model, not_null=[], unique=[], unique_combinations=[], accepted_values=[],
                     relationships=[], expressions=[]) %}
{{ config(fail_calc='coalesce(sum(n_records), 0)') }}
{%- set keys = [] %}
{%- for column in unique %}{% do keys.append([column]) %}{% endfor %}
{%- for columns in unique_combinations %}{% do keys.append(columns) %}{% endfor %}
{#- A key's values as one text, nulls shown: [2016-05-31, P02]. -#}
{%- set key_sql = 'cast([cast({} as varchar)] as varchar)' %}
{%- set row_key = key_sql.replace('{}', keys[0] | join(' as varchar), cast(')) if keys else 'null::varchar' %}
{#- (check, column or expression, SQL true when a row breaks it, SQL of the value to report) -#}
{%- set row_checks = [] %}
{%- for column in not_null %}
    {%- do row_checks.append(('not_null', column, column ~ ' is null', 'null::varchar')) %}
{%- endfor %}
{%- for item in accepted_values %}
    {%- set quote = item.get('quote', true) %}
    {%- set listed = [] %}
    {%- for value in item['values'] %}
        {%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'" if quote else value | string) %}
    {%- endfor %}
    {%- do row_checks.append(('accepted_values', item.column,
                              item.column ~ ' not in (' ~ listed | join(', ') ~ ')',
                              'cast(' ~ item.column ~ ' as varchar)')) %}
{%- endfor %}
{%- for item in relationships %}
    {%- set parents = 'select ' ~ item.field ~ ' from ' ~ item.to ~ ' where ' ~ item.field ~ ' is not null' %}
    {%- do row_checks.append(('relationships', item.column,
                              '(' ~ item.get('where', 'true') ~ ') and ' ~ item.column ~ ' is not null and '
                              ~ item.column ~ ' not in (' ~ parents ~ ')',
                              'cast(' ~ item.column ~ ' as varchar)')) %}
{%- endfor %}
{%- for item in expressions %}
    {#- an item is the expression, or {column, expression} for one a column's entry held -#}
    {%- set expression = item if item is string else item.expression %}
    {%- do row_checks.append(('expression_is_true', expression, 'not coalesce((' ~ expression ~ '), false)', row_key)) %}
{%- endfor %}
{%- set parts = [] %}
{%- if row_checks %}
with failing as materialized (
    select
        {%- for check in row_checks %}
        coalesce({{ check[2] }}, false) as failed_{{ loop.index }},
        {{ check[3] }} as value_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
    {#- no coalesce here (a null condition drops the row as false does): wrapped, the conditions
        are evaluated one by one on every row, ~1.8x the CPU on 1.4 M rows #}
    where {% for check in row_checks %}({{ check[2] }}){{ ' or ' if not loop.last }}{% endfor %}
)
{%- for check in row_checks %}
    {%- do parts.append("select '" ~ check[0] ~ "' as check_name, '" ~ (check[1] | replace("'", "''"))
                        ~ "' as column_or_expression, value_" ~ loop.index ~ " as value_field, count(*) as n_records"
                        ~ " from failing where failed_" ~ loop.index ~ " group by all") %}
{%- endfor %}
{%- endif %}
{%- for column in unique %}
    {%- do parts.append("select 'unique' as check_name, '" ~ column ~ "' as column_or_expression, cast("
                        ~ column ~ " as varchar) as value_field, count(*) as n_records from " ~ model
                        ~ " where " ~ column ~ " is not null group by " ~ column ~ " having count(*) > 1") %}
{%- endfor %}
{%- for columns in unique_combinations %}
    {%- set combination = columns | join(', ') %}
    {%- do parts.append("select 'unique_combination' as check_name, '" ~ combination
                        ~ "' as column_or_expression, " ~ key_sql.replace('{}', columns | join(' as varchar), cast('))
                        ~ " as value_field, count(*) as n_records from " ~ model ~ " where hash(" ~ combination
                        ~ ") in (select hash(" ~ combination ~ ") from " ~ model ~ " group by 1 having count(*) > 1)"
                        ~ " group by " ~ combination ~ " having count(*) > 1") %}
{%- endfor %}
{{ parts | join('\nunion all\n') }}
{% endtest %}

