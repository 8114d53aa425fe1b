{#- Every row of `source_model` appears exactly once in `model`, and exactly once in each model of
    `also` (the steps `model` is made from: int_positions_inferred for int_positions_classified), matched
    on `keys`; none of them holds a row that is not in `source_model`. One aggregate over every
    table's keys (a key fails when a model holds it other than once or the source never does)
    instead of counting each model's keys and joining the source to them: about 30% less CPU on the
    1.4 M positions of scale 127, the same failures. Checking a step through the model made from it
    spares the build a test node that every later model waits for (issue 16). A failure row is a key
    with its rows in the source, in `model` and in each of `also` (rows_in_<its name>). -#}
{% test classified_exactly_once(model, source_model, keys, also=[]) %}
with keyed as (
    select {{ keys | join(', ') }}, 1 as in_model, 0 as in_source
        {%- for step in also %}, 0 as in_also_{{ loop.index }}{% endfor %}
    from {{ model }}
    union all
    select {{ keys | join(', ') }}, 0 as in_model, 1 as in_source
        {%- for step in also %}, 0 as in_also_{{ loop.index }}{% endfor %}
    from {{ source_model }}
    {%- for step in also %}
    {%- set outer = loop.index %}
    union all
    select {{ keys | join(', ') }}, 0 as in_model, 0 as in_source
        {%- for other in also %}, {{ 1 if loop.index == outer else 0 }} as in_also_{{ loop.index }}{% endfor %}
    from {{ step }}
    {%- endfor %}
)
select {{ keys | join(', ') }}, sum(in_source) as source_rows, sum(in_model) as times_classified
    {%- for step in also %}, sum(in_also_{{ loop.index }}) as rows_in_{{ step.identifier }}{% endfor %}
from keyed
group by {{ keys | join(', ') }}
having sum(in_model) <> 1 or sum(in_source) = 0
    {%- for step in also %} or sum(in_also_{{ loop.index }}) <> 1{% endfor %}
{% endtest %}
