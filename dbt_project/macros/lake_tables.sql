{#- The raw lake as tables, for engines that read sources through a catalog (Spark). Run as the staging
    models' pre-hook (dbt_project.yml). On DuckDB it does nothing: the sources read the Parquet folders in place
    (meta.external_location in models/staging/*/_*.yml). Layout and schemas: docs/lake_layout.md. -#}

{#- Canonical raw columns per entity, as in assets/ingest/schemas.py (Spark SQL types; dt, the Hive
    partition folder, is not in the files). Keep the two in step: tests/unit checks nothing here, the
    Spark equivalence test does (tests/end_to_end/test_spark_equivalence.py). -#}
{% macro lake_entity_columns() -%}
    {%- set sentiment = [('sentiment', 'string'), ('sentiment_score', 'double'), ('sentiment_lang', 'string')] -%}
    {{ return({
        'posts': [
            ('platform', 'string'), ('post_id', 'string'), ('brand_id', 'string'), ('account_id', 'string'),
            ('account_handle', 'string'), ('created_at', 'timestamp'), ('text', 'string'), ('lang', 'string'),
            ('url', 'string'), ('post_type', 'string'), ('hashtags', 'array<string>'), ('like_count', 'bigint'),
            ('share_count', 'bigint'), ('reply_count', 'bigint'), ('view_count', 'bigint'),
            ('ingested_at', 'timestamp')],
        'comments': [
            ('platform', 'string'), ('comment_id', 'string'), ('post_id', 'string'), ('parent_id', 'string'),
            ('brand_id', 'string'), ('author_id', 'string'), ('author_handle', 'string'),
            ('is_from_tracked_account', 'boolean'), ('created_at', 'timestamp'), ('text', 'string'),
            ('lang', 'string'), ('like_count', 'bigint'), ('reply_count', 'bigint')]
            + sentiment + [('ingested_at', 'timestamp')],
        'mentions': [
            ('platform', 'string'), ('mention_id', 'string'), ('matched_brand', 'string'), ('match_type', 'string'),
            ('matched_term', 'string'), ('author_id', 'string'), ('author_handle', 'string'),
            ('author_followers', 'bigint'), ('created_at', 'timestamp'), ('text', 'string'), ('lang', 'string'),
            ('url', 'string'), ('hashtags', 'array<string>'), ('like_count', 'bigint'), ('share_count', 'bigint'),
            ('reply_count', 'bigint')] + sentiment + [('ingested_at', 'timestamp')],
        'account_snapshots': [
            ('platform', 'string'), ('account_id', 'string'), ('brand_id', 'string'), ('account_handle', 'string'),
            ('snapshot_date', 'date'), ('observed_at', 'timestamp'), ('followers', 'bigint'),
            ('following', 'bigint'), ('posts_count', 'bigint'), ('ingested_at', 'timestamp')],
    }) }}
{%- endmacro %}

{#- The unpartitioned tables: brands.yaml as written by assets/brand_config.py, and the listening alerts
    (assets/listening/alerts_table.py). Each is one Parquet file under its folder, replaced whole. -#}
{% macro lake_unpartitioned_tables() -%}
    {{ return({
        'reference': {
            'brands': [
                ('brand_id', 'string'), ('brand_name', 'string'), ('role', 'string'), ('timezone', 'string'),
                ('sla_hours', 'double'), ('business_days', 'array<string>'), ('business_start', 'string'),
                ('business_end', 'string')],
            'brand_accounts': [('brand_id', 'string'), ('platform', 'string'), ('account_handle', 'string')],
            'competitive_groups': [('group_id', 'string'), ('brand_id', 'string'), ('is_client', 'boolean')],
            'campaigns': [
                ('campaign_name', 'string'), ('brand_id', 'string'), ('hashtags', 'array<string>'),
                ('start_date', 'date'), ('end_date', 'date')],
        },
        'listening': {
            'alerts': [
                ('event_id', 'string'), ('incident_id', 'string'), ('kind', 'string'), ('action', 'string'),
                ('brand_id', 'string'), ('at', 'timestamp'), ('platforms', 'array<string>'), ('volume', 'bigint'),
                ('baseline', 'double'), ('threshold', 'double'), ('summary', 'string'),
                ('incident_status', 'string'), ('delivered_to', 'string'), ('delivered_at', 'timestamp'),
                ('payload', 'string')],
        },
    }) }}
{%- endmacro %}

{#- Where the engine reads the lake: SOCIAL_SPARK_LAKE_URL when the cluster sees it under another URL
    (e.g. s3a://...), else SOCIAL_LAKE_URL. -#}
{% macro lake_root() -%}
    {{ return(env_var('SOCIAL_SPARK_LAKE_URL', env_var('SOCIAL_LAKE_URL', 'SOCIAL_LAKE_URL-is-not-set')).rstrip('/')) }}
{%- endmacro %}

{#- Pre-hook of every staging model (dbt_project.yml): declare the lake tables the model reads (its
    sources) before the view over them is (re)built. A no-op on DuckDB, whose sources read the Parquet
    folders in place. (Not an on-run-start hook: that would add a hook result to every DuckDB run.) -#}
{% macro create_lake_source_tables() -%}
    {{ return(adapter.dispatch('create_lake_source_tables')()) }}
{%- endmacro %}

{% macro default__create_lake_source_tables() -%}
{%- endmacro %}

{#- Spark: per source table, an external Parquet table (database = the source's name, as dbt renders the
    source) created when missing, then its day partitions recovered (msck repair ... sync partitions), so
    that a day folder written since the last run (a late-arriving day) is seen and a removed one is
    forgotten, and its cached file listing refreshed (a day re-written in place; the unpartitioned tables
    are replaced whole). Dropping such a table never deletes the lake's files. -#}
{% macro spark__create_lake_source_tables() -%}
    {%- if execute -%}
        {%- for source_name, table_name in model.sources -%}
            {%- for statement in lake_table_statements(source_name, table_name) -%}
                {%- do run_query(statement) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The statements declaring one lake table on Spark. -#}
{% macro lake_table_statements(source_name, table_name) -%}
    {%- set root = lake_root() -%}
    {%- set entities = lake_entity_columns() -%}
    {%- set unpartitioned = lake_unpartitioned_tables() -%}
    {%- set cols = [] -%}
    {%- set table = source_name ~ '.' ~ table_name -%}
    {%- if source_name in var('platforms') and table_name in entities -%}
        {%- for name, type in entities[table_name] -%}
            {%- do cols.append(adapter.quote(name) ~ ' ' ~ type) -%}
        {%- endfor -%}
        {%- do cols.append('dt date') -%}
        {{ return([
            'create database if not exists ' ~ source_name,
            'create table if not exists ' ~ table ~ ' (' ~ (cols | join(', ')) ~ ') using parquet'
                ~ ' partitioned by (dt) location ' ~ "'" ~ root ~ '/raw/' ~ source_name ~ '/' ~ table_name ~ "'",
            'msck repair table ' ~ table ~ ' sync partitions',
            'refresh table ' ~ table,
        ]) }}
    {%- elif source_name in unpartitioned and table_name in unpartitioned[source_name] -%}
        {%- for name, type in unpartitioned[source_name][table_name] -%}
            {%- do cols.append(adapter.quote(name) ~ ' ' ~ type) -%}
        {%- endfor -%}
        {%- set folder = 'raw/' ~ source_name if source_name == 'reference' else source_name -%}
        {{ return([
            'create database if not exists ' ~ source_name,
            'create table if not exists ' ~ table ~ ' (' ~ (cols | join(', ')) ~ ') using parquet'
                ~ ' location ' ~ "'" ~ root ~ '/' ~ folder ~ '/' ~ table_name ~ "'",
            'refresh table ' ~ table,
        ]) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error('No lake table definition for source ' ~ table) }}
    {%- endif -%}
{%- endmacro %}
