"""The review pages as HTML, from Jinja templates with autoescape on: every text shown, report text
and labels included (scraped, so hostile), is escaped by the template engine, in element content and
in quoted attributes alike. JSON for the page's script goes into `data-` attributes as escaped
text, never into a script block, and the script is one static file (the server's Content Security
Policy allows no inline script).
"""
from __future__ import annotations

import json
from functools import lru_cache

from markupsafe import Markup, escape

from kg.facts import ENTITY_TYPES, RELATION_TYPES


def keep_cr(text: str) -> Markup:
    """Escaped text whose carriage returns survive HTML parsing (a parser turns CR LF into LF, which
    would shift every offset after it): written as the character reference &#13;. Controls that
    HTML cannot carry (NUL) become U+FFFD, one for one, as the parser would make them."""
    return Markup(str(escape(text.replace("\x00", "\ufffd"))).replace("\r", "&#13;"))


def as_json(value) -> str:
    """A value for a data- attribute: JSON text, escaped by the template like any other text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("kg.review", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["keep_cr"] = keep_cr
    env.filters["as_json"] = as_json
    env.globals.update(entity_types=ENTITY_TYPES, relation_types=RELATION_TYPES)
    return env


def warm() -> None:
    """Compile every template now (the server does this at start, in the background)."""
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def render(template: str, **context) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


def county_map(graph, initiative: str = "") -> tuple[Markup | None, str]:
    """The overview's county map (issue 15; `kg.map`, branch i15-map) as inline SVG, shaded by each
    county's reports or, with `initiative`, by whether the county implements it; or (None, why not).
    The SVG is `kg.map`'s own (county names from the division list, every text escaped there, colours
    as attributes: nothing the Content Security Policy would block)."""
    try:
        from kg.map import UnknownInitiative, county_values, render_svg
    except ImportError:  # the map's branch is not merged into this tree yet
        return None, "The county map is not in this build of county-kg yet."
    try:
        values = county_values(graph, initiative or None)
    except UnknownInitiative as exc:
        return None, str(exc)
    return Markup(render_svg(values, legend=initiative or "reports", inline=True)), ""
