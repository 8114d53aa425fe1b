"""What a reader sees on a rendered report page, and two detectors run on it (test helper):
internal codes (snake_case tokens, rule ids like ID-PM-TOTAL, codes like dl276) and English
sentences on a Spanish page.

Visible text = the HTML's text outside <script>, <style> and <code> (identifiers shown on purpose,
e.g. the marts a page read), plus every string a chart shows: trace names, bar texts, hover texts,
category axis values and titles, from the arguments of each `Plotly.newPlot(...)` call.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
RULE_ID = re.compile(r"\bID(?:-[A-Z0-9]+)+\b")
CODE_WITH_DIGITS = re.compile(r"\b[a-z]+\d+\b")
# Words that are English and never Spanish; two in one text make it an English sentence.
ENGLISH = frozenset([
    "the", "of", "and", "with", "for", "by", "from", "this", "that", "these", "are", "is", "was",
    "were", "be", "at", "to", "in", "on", "which", "than", "not", "only", "each", "every", "other",
    "positions", "position", "management", "managers", "manager", "share", "units", "unit",
    "heading", "officers", "officer", "servants", "servant", "sample", "synthetic", "level",
    "levels", "pay", "public", "people", "entities", "entity", "snapshot", "generated", "sources",
    "caveats", "figure", "figures", "shown", "changed",
])
CHART_KEYS = ("name", "text", "hovertext", "title", "x", "y", "labels", "customdata", "ticktext")


class _Text(HTMLParser):
    HIDDEN = ("script", "style", "code")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def _strings(value: object, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k if k in CHART_KEYS else key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str) and key in CHART_KEYS:
        yield value


def chart_strings(page: str) -> list[str]:
    """Every string the page's plotly charts show (HTML tags removed, entities decoded)."""
    decoder = json.JSONDecoder()
    found: list[str] = []
    for match in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]*\",\s*", page):
        position = match.end()
        for _ in range(2):  # data, then layout
            value, end = decoder.raw_decode(page, position)
            found += [html.unescape(re.sub(r"<[^>]+>", " ", s)) for s in _strings(value)]
            position = re.compile(r"\s*,\s*").match(page, end).end()
    return found


def visible_text(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.parts + chart_strings(page)


def internal_codes(text: str) -> list[str]:
    return [m.group(0) for pattern in (SNAKE, RULE_ID, CODE_WITH_DIGITS)
            for m in pattern.finditer(text)]


def english_sentences(texts: Iterable[str]) -> list[str]:
    """Texts with two or more words that are English and never Spanish."""
    return [t for t in texts if len({w for w in re.findall(r"[a-z]+", t.lower())} & ENGLISH) >= 2]
