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


{% macro pay_annualization(role) -%}
    {#- One row of seeds/compensation/pay_annualizations.csv, by role (selected: the annualization
        mart_valuation and mart_transition_cost use; alternative: shown beside it), as a derived
        table to cross join:
            payments_a_year    = monthly_payments + bonuses x bonus_months_each
                                 (what the annual valuation is divided into: 14 or 12 + 2 x 0.5 = 13)
            cost_months_a_year = payments_a_year + cts_months_a_year
                                 (monthly amounts a year a position costs: 14 or 13.5) -#}
    (
        select
            annualization,
            monthly_payments + bonuses * bonus_months_each as payments_a_year,
            monthly_payments + bonuses * bonus_months_each + cts_months_a_year as cost_months_a_year
        from {{ ref('pay_annualizations') }}
        where role = '{{ role }}'
    )
{%- endmacro %}


{% macro pay_is_compared(pay_category) -%}
    {#- True unless seeds/compensation/pay_categories.csv says the category's pay is not compared
        (is_pay_compared = false: not_determined, excluded, not_management). -#}
    {{ pay_category }} not in (
        select pay_category from {{ ref('pay_categories') }} where not is_pay_compared
    )
{%- endmacro %}
