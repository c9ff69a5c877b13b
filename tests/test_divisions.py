"""The division list and coordinates ship as data files (kg/data/divisions/), not through jionlp or cpca."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from kg import divisions, geo

DATA = Path(divisions.__file__).resolve().parent / "data" / "divisions"


def test_shipped_files_are_the_ones_the_readme_names():
    """The README's hashes are what scripts/update_divisions.py wrote: a hand edit of the data shows here."""
    rows = re.findall(r"\| `([^`]+)` \| (\w+) \(PyPI\) \| ([\w.]+) \| `(LICENSE\.\w+)` \| `([0-9a-f]{64})` \|",
                      (DATA / "README.md").read_text(encoding="utf-8"))
    assert {r[0] for r in rows} == {"china_location.zip", "adcodes.csv"}
    for name, _package, _version, licence, digest in rows:
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
        assert (DATA / licence).read_text(encoding="utf-8").strip()


def test_counties_resolve_with_codes_short_forms_towns_and_coordinates():
    div = divisions.load()
    assert len(div.counties) > 2800
    yanting = div.by_code["510723"]
    assert yanting.name == "盐亭县" and yanting in div.lookup("盐亭")
    assert yanting.towns  # towns and villages come with it
    lat, lon = geo.coordinates("510723")
    assert 30 < lat < 32 and 104 < lon < 106
    assert [c.code for c in div.lookup("乌审旗")] == ["150626"]


def test_building_a_pipeline_imports_neither_jionlp_nor_cpca_nor_pandas():
    code = ("import sys; from kg.nlp.pipeline import build; from kg import geo; build(); geo.coordinates('510723'); "
            "print(sorted(m for m in ('jionlp', 'cpca', 'pandas', 'jiojio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_package_and_data_file_is_installed():
    """A fresh `pip install .` (not editable) holds every kg package and shipped data file: the
    explicit package list in pyproject.toml must name each folder with an __init__.py."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    conf = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(conf["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "kg").rglob("__init__.py")}
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"
    patterns = conf["package-data"]["kg"]
    data = [p for p in (root / "kg" / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    unlisted = [p for p in data if not any(p.relative_to(root / "kg").match(pat.replace("**/", "*/")) or
                                           p.relative_to(root / "kg").match(pat.replace("**/", ""))
                                           for pat in patterns)]
    assert not unlisted, f"data files no package-data pattern installs: {unlisted}"
