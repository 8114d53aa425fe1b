"""Build: run dbt over the staged snapshots into the warehouse, export the marts."""
