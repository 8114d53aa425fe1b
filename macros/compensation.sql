{#- Helpers for the compensation marts (models/marts/compensation). -#}

{% macro gini(expression) -%}
    {#- Gini coefficient of the non-null values of `expression` in the group, as an aggregate:

            G = sum_{i=1..n} (2i - n - 1) * x_(i)  /  (n * sum_{i=1..n} x_(i))

        with x_(1) <= ... <= x_(n) sorted ascending. It equals the mean absolute difference over
        all ordered pairs divided by twice the mean (sum_i sum_j |x_i - x_j| / (2 n^2 mean)); no
        small-sample correction n/(n-1). 0 = everyone paid the same; one value -> 0; null when the
        sum is 0 or there are no values. Pays 1,2,3,4: (-3*1 - 1*2 + 1*3 + 3*4) / (4*10) = 0.25. -#}
    (
        list_sum(list_transform(
            list_sort(list({{ expression }}) filter (where {{ expression }} is not null)),
            lambda x, i: (2 * i - count({{ expression }}) - 1) * x
        ))
        / nullif(count({{ expression }}) * sum({{ expression }}), 0)
    )
{%- endmacro %}


{% macro pay_category(servant_group, role) -%}
    {#- The "role" compared by the gap marts: the PM role (PS, S, OS) for public managers, the
        servant group (PO, CA, not_determined, excluded) otherwise. -#}
    case when {{ servant_group }} = 'PM' then {{ role }} else {{ servant_group }} end
{%- endmacro %}


{% macro comp_parameter(name) -%}
    {#- One numeric parameter of seeds/compensation/compensation_parameters.csv, as a scalar subquery. -#}
    (select value from {{ ref('compensation_parameters') }} where parameter = '{{ name }}')
{%- endmacro %}
