"""pipelines.deferred_imports: importing the project keeps jsonschema (nbformat's, dbt's) from
building rfc3987_syntax's IRI parsers at import time, and an `iri` format check still gives the
real library's answers. Each case runs in a fresh interpreter: the test session has long imported
everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARSERS = "rfc3987_syntax.syntax_helpers"  # the module whose import builds the parsers
# (format, value, conforms?) by RFC 3987: a space is not allowed anywhere in an IRI; a non-ASCII
# letter is (ucschar); an IRI needs a scheme, an IRI reference does not.
CASES = [("iri", "http://example.org/a b", False), ("iri", "http://example.org/año", True),
         ("iri", "año/b", False), ("iri-reference", "año/b", True), ("iri-reference", "a b", False)]
CHECK = """
import json, sys
{first}
from jsonschema import FormatChecker
loaded_before = {parsers!r} in sys.modules
checker = FormatChecker()
answers = [checker.conforms(value, kind) for kind, value, _ in json.loads(sys.argv[1])]
print(json.dumps({{"loaded_before": loaded_before, "answers": answers, "loaded_after": {parsers!r} in sys.modules}}))
"""


def _run(first: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHECK.format(first=first, parsers=PARSERS), json.dumps(CASES)],
                          capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    return json.loads(done.stdout)


def test_the_project_defers_the_iri_parsers_and_checks_give_the_same_answers() -> None:
    deferred = _run("import pipelines")
    assert not deferred["loaded_before"]  # jsonschema imported without building the parsers
    assert deferred["answers"] == [expected for _, _, expected in CASES]
    assert deferred["loaded_after"]  # the first iri check loaded the real library


def test_without_the_project_jsonschema_loads_the_parsers_at_import() -> None:
    # What the stand-in saves: the reason for pipelines.deferred_imports (if a later jsonschema
    # stops doing this, the module can go).
    plain = _run("")
    assert plain["loaded_before"]
    assert plain["answers"] == [expected for _, _, expected in CASES]
