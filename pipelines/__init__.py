"""servir-pm: reproducible analytics of Peru's public managers group (SERVIR)."""

from pipelines.deferred_imports import defer_iri_syntax

__version__ = "0.1.0"

defer_iri_syntax()  # before any stage imports jsonschema (nbformat, dbt): see pipelines.deferred_imports
