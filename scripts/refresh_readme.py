#!/usr/bin/env python3
"""Rewrite the outputs README.md shows (example query, shipped-queries table, Python API example) from a
build of corpus/, so that tests/test_readme_queries.py, which checks them, passes again after the rules
change. Usage: python scripts/refresh_readme.py [--out DIR]  (builds corpus/ into DIR, default a temp dir).
Read the diff before committing it: the shown rows are what a new user sees first."""
from __future__ import annotations

import argparse
import contextlib
import io
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN_ROWS, CELL = 3, 30  # as tests/test_readme_queries.py reads them
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```$", re.M | re.S)


def _cell_text(rows) -> str:
    from kg.api import value

    cells = [["" if t is None else str(value(t)) for t in r] for r in rows]
    lines = [" · ".join(c if len(c) <= CELL else c[:CELL] + "…" for c in r) for r in cells[:SHOWN_ROWS]]
    more = "<br>…" if len(rows) > SHOWN_ROWS else ""
    return "<br>".join(lines) + more + f" ({len(rows)} row{'s' if len(rows) != 1 else ''})"


def _replace_block_after(text: str, after: int, body: str) -> str:
    m = FENCE.search(text, after)
    return text[:m.start(1)] + body + text[m.end(1):]


def main() -> None:
    import kg
    from kg import query as kq
    from kg.api import Graph
    from kg.build import build
    from kg.cli_graph import render

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None)
    out = ap.parse_args().out or Path(tempfile.mkdtemp()) / "out"
    build(ROOT / "corpus", out)
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    # each `kg query '…'` in a sh block: the block after it shows the table
    for m in list(re.finditer(r"^```sh\n(.*?)^```$", text, re.M | re.S))[::-1]:
        if "kg query '" in m.group(1):
            sparql = m.group(1).split("kg query '", 1)[1].rsplit("'", 1)[0]
            names, rows = kq.query(out, sparql)
            text = _replace_block_after(text, m.end(), render(names, rows, "table") + "\n")
    # the shipped-queries table
    for q in sorted((ROOT / "queries").glob("*.rq")):
        _, rows = kq.query(out, q.read_text(encoding="utf-8"))
        text = re.sub(rf"^(\| `{re.escape(q.name)}`[^|]*\| ).*( \|)$", lambda m: m.group(1) + _cell_text(rows) + m.group(2),
                      text, flags=re.M)
    # the Python API example
    i = text.index("## Python API")
    code = re.compile(r"^```python\n(.*?)^```$", re.M | re.S).search(text, i)
    kg.open = lambda *a, **k: Graph(out, corpus=ROOT / "corpus")  # the example opens "outputs"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code.group(1), "README.md", "exec"), {"__name__": "readme"})
    text = _replace_block_after(text, code.end(), buf.getvalue())
    path.write_text(text, encoding="utf-8")
    print(f"README.md refreshed from {out}")


if __name__ == "__main__":
    main()
