-- What each position's title (and unit name) says: its organizational level, body type and whether
-- it is a management position at all, for registries that carry titles but not SERVIR's columns
-- (gob.pe, the Portal de Transparencia, MEF payroll). One row per position, the columns of
-- stg_registry__positions with organizational_level and body_type replaced by their final values.
--
-- Precedence: values given in the input always win; then an analyst's decision
-- (seeds/review/position_review_decisions.csv); then the title rules (seeds/inference). A title
-- that Table 5 makes a public officer is read as one even when the input gives a level (issue 11).
-- Every rule lives in the seeds; this model only knows how to normalize a text and match a row.
with

-- Not materialized: each reader scans only the columns it needs.
positions as not materialized (select * from {{ ref('stg_registry__positions') }}),

-- Final entity classification and government level: given, decided or inferred from the name.
entities as (
    select snapshot, entity_id, government_level, entity_classification
    from {{ ref('int_entities_classified') }}
),

word_map as (
    select lower(word) as word, coalesce(nullif(replacement, ''), '') as replacement
    from {{ ref('title_word_map') }}
),

head_nouns as (select lower(head_noun) as head_noun from {{ ref('title_head_nouns') }}),

scopes as (select entity_scope, entity_classification from {{ ref('inference_entity_scopes') }}),

rules as (
    select
        rule_key,
        priority,
        applies_to,
        match,
        pattern,
        nullif(government_level, '') as government_level,
        nullif(entity_scope, '') as entity_scope,
        reading,
        try_cast(nullif(cast(organizational_level as varchar), '') as integer) as organizational_level,
        nullif(body_type, '') as body_type,
        nullif(default_body_type, '') as default_body_type,
        confidence,
        cast(is_generic as boolean) as is_generic,
        nullif(table5_category, '') as table5_category
    from {{ ref('title_rules') }}
),

functions as (
    select rule_key, priority, pattern, body_type from {{ ref('body_type_functions') }}
),

decisions as (
    select
        title_key,
        nullif(unit_key, '') as unit_key,
        nullif(entity_classification, '') as entity_classification,
        reading,
        try_cast(nullif(cast(organizational_level as varchar), '') as integer) as organizational_level,
        nullif(body_type, '') as body_type,
        decision_id
    from {{ ref('position_review_decisions') }}
),

-- The inference reads only the normalized title, the normalized unit name and the entity's level
-- and classification: it is done once per distinct (normalized title, normalized unit, level,
-- classification), a small table joined back to every position by those four values. Positions
-- are read twice (their few text columns to find the combinations, then every column), each time
-- streaming through joins with small tables, instead of carrying 1.4 M wide rows through the
-- matching or holding them in a hash table (DuckDB's memory budget is shared with the other
-- model dbt builds at the same time).
positions_entities as not materialized (
    select
        p.*,
        e.government_level as entity_government_level,
        e.entity_classification as entity_entity_classification
    from positions as p
    left join entities as e
        on e.snapshot = p.snapshot
        and e.entity_id = p.entity_id
),

-- Normalize each distinct text once: lower case, no accents, punctuation as spaces, then every
-- word through title_word_map (feminine forms, abbreviations, connectors, interim markers), then
-- repeated words ("Jefe (e) Jefe de ...") read once. Done on each text's list of words, with the
-- word map as one MAP value: no row per word to join, order and group back.
texts as (
    select position_title as raw_text from positions where position_title is not null
    union
    select unit_name from positions where unit_name is not null
),

replacements as (select map(list(word), list(replacement)) as by_word from word_map),

-- Splitting on runs of other characters leaves '' at either end, dropped with the words the map
-- empties (connectors).
mapped as (
    select
        t.raw_text,
        list_filter(
            list_transform(
                regexp_split_to_array(lower(strip_accents(t.raw_text)), '[^a-z0-9]+'),
                lambda w: coalesce(r.by_word[w], w)),
            lambda w: w <> '') as words
    from texts as t
    cross join replacements as r
),

-- A text left with no word has no row here: its normalized text is null.
normalized as (
    select
        raw_text,
        array_to_string(list_filter(words, lambda w, i: i = 1 or w <> words[i - 1]), ' ') as norm_text
    from mapped
    where len(words) > 0
),

-- Every position's normalized texts and entity (streamed: read by combos, then by the final join).
positions_normalized as not materialized (
    select
        p.*,
        t.norm_text as title_normalized,
        u.norm_text as unit_normalized
    from positions_entities as p
    left join normalized as t on t.raw_text = p.position_title
    left join normalized as u on u.raw_text = p.unit_name
),

combos as (
    select row_number() over () as combo_id, *
    from (
        select distinct
            title_normalized,
            unit_normalized,
            entity_government_level as government_level,
            entity_entity_classification as entity_classification
        from positions_normalized
    )
),

-- "Jefe de la Oficina General de X": the words after a head noun (the longest that starts the
-- title) name the unit it heads. Once per distinct normalized title.
head_noun_parts as (
    select
        t.title_normalized,
        substr(t.title_normalized, length(h.head_noun) + 2) as title_unit_part
    from (select distinct title_normalized from combos where title_normalized is not null) as t
    inner join head_nouns as h
        on starts_with(t.title_normalized, h.head_noun || ' ')
    qualify row_number() over (
        partition by t.title_normalized
        order by length(h.head_noun) desc
    ) = 1
),

combos_normalized as (
    select c.*, h.title_unit_part
    from combos as c
    left join head_noun_parts as h
        on h.title_normalized = c.title_normalized
),

-- The texts each combination offers to the rules, in order of preference: the unit named after a
-- head noun, the title itself, the title read as a unit name, the registry's unit name.
candidates as (
    select combo_id, government_level, entity_classification, title_unit_part as candidate_text,
        'unit' as applies_to, 1 as candidate_rank
    from combos_normalized where title_unit_part is not null
    union all
    select combo_id, government_level, entity_classification, title_normalized, 'title', 2
    from combos_normalized where title_normalized is not null
    union all
    select combo_id, government_level, entity_classification, title_normalized, 'unit', 3
    from combos_normalized where title_normalized is not null
    union all
    select combo_id, government_level, entity_classification, unit_normalized, 'unit', 4
    from combos_normalized where unit_normalized is not null
),

-- Which rules each distinct text matches, once per text (the entity's level and scope are checked
-- per combination below). Equality joins where the match allows: an exact rule equals the text; a
-- prefix rule (text || ' ' starts with pattern || ' ') equals the text cut before one of its
-- spaces, and a pattern of k words (split on ' ') can only equal the cut after the k-th word, so
-- each text's cuts up to the longest prefix pattern are joined on equality instead of testing
-- every text against every rule. Contains rules are tested against every distinct text.
candidate_texts as (
    select distinct applies_to, candidate_text from candidates
),

prefix_words as (
    select coalesce(max(len(string_split(pattern, ' '))), 0) as max_words from rules where match = 'prefix'
),

text_prefixes as (
    select applies_to, candidate_text, array_to_string(words[1:word_count], ' ') as prefix
    from (
        select
            t.applies_to,
            t.candidate_text,
            t.words,
            unnest(range(1, least(len(t.words), w.max_words) + 1)) as word_count
        from (select *, string_split(candidate_text, ' ') as words from candidate_texts) as t
        cross join prefix_words as w
    )
),

text_rule_matches as (
    select t.applies_to, t.candidate_text, r.rule_key
    from candidate_texts as t
    inner join rules as r
        on r.applies_to = t.applies_to
        and r.match = 'exact'
        and r.pattern = t.candidate_text
    union all
    select t.applies_to, t.candidate_text, r.rule_key
    from text_prefixes as t
    inner join rules as r
        on r.applies_to = t.applies_to
        and r.match = 'prefix'
        and r.pattern = t.prefix
    union all
    select t.applies_to, t.candidate_text, r.rule_key
    from candidate_texts as t
    inner join rules as r
        on r.applies_to = t.applies_to
        and r.match = 'contains'
        and position(' ' || r.pattern || ' ' in ' ' || t.candidate_text || ' ') > 0
),

rule_matches as (
    select
        c.combo_id,
        c.candidate_rank,
        r.*
    from candidates as c
    inner join text_rule_matches as m
        on m.applies_to = c.applies_to
        and m.candidate_text = c.candidate_text
    inner join rules as r
        on r.rule_key = m.rule_key
    where (r.government_level is null or r.government_level = c.government_level)
        and (r.entity_scope is null or exists (
            select 1 from scopes as s
            where s.entity_scope = r.entity_scope and s.entity_classification = c.entity_classification))
),

best_rule as (
    select *
    from rule_matches
    qualify row_number() over (
        partition by combo_id
        order by is_generic, candidate_rank, priority, rule_key
    ) = 1
),

-- Body-type functions read the normalized title and unit only: matched once per distinct pair.
function_matches as (
    select
        t.title_normalized,
        t.unit_normalized,
        f.rule_key as function_rule,
        f.body_type as function_body_type
    from (select distinct title_normalized, unit_normalized from combos) as t
    inner join functions as f
        on position(' ' || f.pattern in ' ' || coalesce(t.title_normalized, '') || ' ' || coalesce(t.unit_normalized, '')) > 0
    qualify row_number() over (
        partition by t.title_normalized, t.unit_normalized
        order by f.priority, f.rule_key
    ) = 1
),

best_decision as (
    select c.combo_id, d.*
    from combos_normalized as c
    inner join decisions as d
        on d.title_key = c.title_normalized
        and (d.unit_key is null or d.unit_key = c.unit_normalized)
        and (d.entity_classification is null or d.entity_classification = c.entity_classification)
    qualify row_number() over (
        partition by c.combo_id
        order by (d.unit_key is null), (d.entity_classification is null), d.decision_id
    ) = 1
),

readings as (
    select
        c.title_normalized,
        c.unit_normalized,
        c.government_level,
        c.entity_classification,
        r.rule_key as inference_rule,
        r.reading as rule_reading,
        r.organizational_level as rule_level,
        coalesce(r.body_type, fm.function_body_type, r.default_body_type) as rule_body_type,
        case when r.body_type is null and fm.function_body_type is not null then fm.function_rule end
            as body_type_rule,
        -- A management reading without a level has nothing to classify with: never confident.
        case
            when r.reading = 'management' and r.organizational_level is null then 'low'
            else r.confidence
        end as rule_confidence,
        r.table5_category,
        d.decision_id,
        d.reading as decided_reading,
        d.organizational_level as decided_level,
        d.body_type as decided_body_type
    from combos_normalized as c
    left join best_rule as r
        on r.combo_id = c.combo_id
    left join function_matches as fm
        on fm.title_normalized is not distinct from c.title_normalized
        and fm.unit_normalized is not distinct from c.unit_normalized
    left join best_decision as d
        on d.combo_id = c.combo_id
),

resolved as (
    select
        k.* exclude (title_normalized, unit_normalized),
        k.title_normalized,
        k.unit_normalized,
        r.inference_rule,
        r.body_type_rule,
        r.table5_category,
        r.decision_id,
        r.rule_reading,
        r.rule_level,
        r.rule_body_type,
        r.rule_confidence,
        coalesce(r.decided_reading, r.rule_reading) as suggested_reading,
        coalesce(r.decided_level, r.rule_level) as suggested_level,
        coalesce(r.decided_body_type, r.rule_body_type) as suggested_body_type,
        case when r.decision_id is not null then 'high' else r.rule_confidence end as suggested_confidence,
        r.decision_id is not null as is_decided
    from positions_normalized as k
    left join readings as r
        on r.title_normalized is not distinct from k.title_normalized
        and r.unit_normalized is not distinct from k.unit_normalized
        and r.government_level is not distinct from k.entity_government_level
        and r.entity_classification is not distinct from k.entity_entity_classification
),

final as (
    select
        *,
        -- What the title says the position is. A public-officer title (Table 5) holds even over a
        -- level given in the input, when the rule is confident; "not a management position" only
        -- when the input gave no level (the registry then asserted nothing about it).
        case
            when suggested_reading = 'public_officer' and (suggested_confidence = 'high' or organizational_level is null)
                then 'public_officer'
            when suggested_reading = 'not_management' and organizational_level is null
                then 'not_management'
            when organizational_level is not null then 'management'
            else suggested_reading
        end as title_reading
    from resolved
)

select
    * exclude (organizational_level, body_type, entity_government_level, entity_entity_classification,
               rule_reading, rule_level, rule_body_type, rule_confidence, is_decided),
    organizational_level as organizational_level_input,
    body_type as body_type_input,
    coalesce(organizational_level, case when title_reading = 'management' then suggested_level end)
        as organizational_level,
    coalesce(body_type, case when title_reading = 'management' then suggested_body_type end) as body_type,
    case
        when organizational_level is not null then 'input'
        when title_reading = 'management' and suggested_level is not null
            then case when is_decided then 'review' else 'inferred' end
        else 'missing'
    end as organizational_level_source,
    case
        when body_type is not null then 'input'
        when title_reading = 'management' and suggested_body_type is not null
            then case when is_decided then 'review' else 'inferred' end
        else 'missing'
    end as body_type_source,
    -- Null where the input decided everything the classification reads.
    case
        when organizational_level is not null and body_type is not null and title_reading = 'management' then null
        when suggested_reading is null then null
        else suggested_confidence
    end as inference_confidence,
    -- A person should decide: nothing in the input or the rules settles the position.
    case
        when title_reading = 'public_officer' and suggested_confidence = 'high' then false
        when organizational_level is not null and body_type is not null then false
        when is_decided then false
        when suggested_reading is null then true
        when suggested_confidence <> 'high' then true
        when title_reading = 'management'
            and (coalesce(organizational_level, suggested_level) is null
                 or coalesce(body_type, suggested_body_type) is null) then true
        else false
    end as needs_review
from final
