"""Defer one costly import that every stage would otherwise pay for nothing.

jsonschema (imported by nbformat for the reports and by dbt for the build) registers its `iri`
format checks by importing rfc3987_syntax, which builds about 38 Earley parsers when imported:
1 to 2 s in every process that imports jsonschema (1.1 s of the 1.5 s `import nbformat` takes on an
idle machine), for a format that neither nbformat's schemas nor dbt's use. `defer_iri_syntax`
registers a stand-in package whose `is_valid_syntax` imports the real one the first time a schema
checks an `iri`, so validation still gives the same answers. pipelines/__init__.py calls it, so it
is in place before any stage imports jsonschema.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

IRI_SYNTAX = "rfc3987_syntax"


def _real(name: str) -> Any:
    """A name of the real package (its __init__ only re-exports syntax_helpers). Dunder names are
    not forwarded: tools that walk sys.modules (inspect, pytest) must not trigger the import."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{IRI_SYNTAX}.syntax_helpers"), name)


def is_valid_syntax(term: str, value: str) -> bool:
    """rfc3987_syntax.is_valid_syntax, imported on first use."""
    return bool(_real("is_valid_syntax")(term=term, value=value))


def defer_iri_syntax() -> None:
    """Register the stand-in for rfc3987_syntax, unless it is imported already or not installed."""
    if IRI_SYNTAX in sys.modules:
        return
    spec = importlib.util.find_spec(IRI_SYNTAX)
    if spec is None or not spec.submodule_search_locations:
        return
    stand_in = types.ModuleType(IRI_SYNTAX, "rfc3987_syntax, imported on first use (pipelines.deferred_imports)")
    # The real package's folder: its submodules (syntax_helpers, utils) import from there as usual.
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = _real  # type: ignore[attr-defined]  # any other name: the real one
    sys.modules[IRI_SYNTAX] = stand_in
