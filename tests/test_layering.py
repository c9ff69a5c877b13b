"""The folders show the pipeline, and the imports keep to it: a stage imports only its own or lower
stages (read → normalize → nlp → rdf → export / store → orchestration → CLI), no module imports
itself back through another, and no private name (`_x`) crosses a module. Imports inside functions
count: they are dependencies too."""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

# Lowest first. A module not listed here fails the test: place a new module in its stage.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("kg.version", "kg.timings", "kg.facts", "kg.lexicons", "kg.charsets", "kg.dates", "kg.geo", "kg.paths",
              "kg.outdir", "kg.csvsafe", "kg.sandbox", "kg.sparql", "kg.atomic", "kg.divisions", "kg.fetch")),
    ("read", ("kg.read",)),
    ("normalize", ("kg.normalize",)),
    ("nlp", ("kg.nlp", "kg.process")),
    ("merge", ("kg.graph",)),
    ("rdf", ("kg.rdf",)),
    ("curation", ("kg.curation",)),
    ("store", ("kg.store", "kg.store_sync", "kg.cache", "kg.validate")),
    ("export", ("kg.export", "kg.map")),
    ("run", ("kg.executors", "kg.build", "kg.query", "kg.add", "kg.evaluate", "kg.api", "kg.review")),
    ("cli", ("kg.cli", "kg.cli_eval", "kg.cli_graph", "kg.cli_curate", "kg.cli_map", "kg.cli_review")),
]


def _modules() -> dict[str, Path]:
    out = {}
    for p in KG.rglob("*.py"):
        name = ".".join(("kg", *p.relative_to(KG).with_suffix("").parts))
        out[name.removesuffix(".__init__")] = p
    return out


MODULES = _modules()


def _stage(module: str) -> int:
    for i, (_, prefixes) in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{module} is in no stage of tests/test_layering.py: add it where it belongs")


@lru_cache(maxsize=None)
def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) pairs this file imports from kg; name is '' for `import kg.x`."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kg" and not node.level:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                out.append((full, "") if full in MODULES else (node.module, a.name))
        elif isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.split(".")[0] == "kg"]
    return out


@lru_cache(maxsize=1)
def _deps() -> dict[str, set[str]]:
    return {m: {d for d, _ in _imports(p) if d != m and d != "kg"} for m, p in MODULES.items()}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "kg"))
def test_a_module_imports_only_its_own_or_lower_stages(module):
    mine = _stage(module)
    higher = sorted(d for d in _deps()[module] if _stage(d) > mine)
    assert not higher, f"{module} ({STAGES[mine][0]}) imports higher stages: {higher}"


def test_no_import_cycles():
    deps = _deps()
    seen: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(m: str, path: list[str]) -> None:
        seen[m] = 1
        for d in sorted(deps.get(m, ())):
            if seen.get(d) == 1:
                raise AssertionError("import cycle: " + " → ".join(path[path.index(d):] + [m, d]))
            if d not in seen:
                visit(d, path + [m])
        seen[m] = 2

    for m in sorted(deps):
        if m not in seen:
            visit(m, [])


def test_no_private_name_crosses_a_module():
    crossing = sorted(f"{m} uses {mod}.{name}" for m, p in MODULES.items() for mod, name in _imports(p)
                      if name.startswith("_") and not name.startswith("__") and mod != m)
    assert not crossing, crossing
