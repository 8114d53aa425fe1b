"""Make a great-expectations Data Docs site open offline, from disk, with nothing fetched.

great-expectations' pages load jQuery, Bootstrap and its logo from CDNs, and its index page
draws the list of validation results with JavaScript from those CDNs: offline the list is
empty. After the site is built this removes every remote script, stylesheet and image, keeps
the pages' own HTML (which already holds every result), adds a small local stylesheet, and
writes the index's list of pages as plain links.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
_REMOTE_LINK = re.compile(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*>", re.IGNORECASE)
_REMOTE_IMG = re.compile(r"<img\b[^>]*src=\"https?://[^\"]*\"[^>]*>", re.IGNORECASE)
_STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 1rem 2rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #ccc; padding: .2rem .5rem; }
.offline-index li { margin: .2rem 0; } .passed { color: #1a7f37; } .failed { color: #cf222e; }
</style>"""


def _page_list(site: Path, passed: dict[str, bool]) -> str:
    """The site's pages as plain links: validation results (with their outcome) and suites."""
    items = []
    for page in sorted(site.glob("validations/**/*.html")):
        suite = page.relative_to(site / "validations").parts[0]
        outcome = passed.get(suite)
        mark = "" if outcome is None else (
            ' <strong class="passed">passed</strong>' if outcome else ' <strong class="failed">failed</strong>')
        items.append(f'<li><a href="{page.relative_to(site).as_posix()}">Validation of {html.escape(suite)}</a>'
                     f"{mark}</li>")
    for page in sorted(site.glob("expectations/**/*.html")):
        items.append(f'<li><a href="{page.relative_to(site).as_posix()}">Expectation suite '
                     f"{html.escape(page.stem)}</a></li>")
    return f'<section class="offline-index"><h2>Pages</h2><ul>{"".join(items)}</ul></section>'


def make_offline(site: Path, passed: dict[str, bool]) -> None:
    """Rewrite every page of `site` in place; `passed`: suite name -> its validation succeeded."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        text = _SCRIPT.sub("", text)
        text = _REMOTE_LINK.sub("", text)
        text = _REMOTE_IMG.sub("", text)
        text = text.replace("</head>", f"{_STYLE}</head>", 1)
        if page == site / "index.html":
            text = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + _page_list(site, passed), text, count=1)
        page.write_text(text, encoding="utf-8")
