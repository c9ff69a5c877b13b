#!/usr/bin/env python3
"""Regenerate kg/data/divisions/ from the upstream packages that publish the data.

county-kg ships two data files instead of depending on their packages (jionlp
pulls a 148 MB segmenter and cpca pulls pandas, for one file each):

- china_location.zip: jionlp's division list (province, prefecture, county with
  GB/T 2260 code and short form, town, village; Apache-2.0),
- adcodes.csv: cpca's table of division codes with WGS84 coordinates (MIT).

Usage: python scripts/update_divisions.py [--jionlp VERSION] [--cpca VERSION]
Downloads the two wheels with pip (no install), copies the files and licences
into kg/data/divisions/ and rewrites its README with versions and hashes. Then
rebuild and compare: a new list can change which counties and places resolve.
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

DEST = Path(__file__).resolve().parent.parent / "kg" / "data" / "divisions"
# (package, file inside the wheel, name here), and where each wheel keeps its licence
FILES = {
    "jionlp": [("jionlp/dictionary/china_location.zip", "china_location.zip")],
    "cpca": [("cpca/resources/adcodes.csv", "adcodes.csv")],
}
LICENCE_SUFFIXES = ("dist-info/LICENSE", "dist-info/licenses/LICENSE")


def wheel(package: str, version: str | None, folder: Path) -> tuple[Path, str]:
    spec = f"{package}=={version}" if version else package
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                    "-d", str(folder), spec], check=True)
    found = sorted(folder.glob(f"{package}-*.whl"))
    if not found:
        sys.exit(f"no wheel of {package} downloaded")
    return found[-1], found[-1].name.split("-")[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jionlp", default=None, help="jionlp version (default: the newest)")
    ap.add_argument("--cpca", default=None, help="cpca version (default: the newest)")
    args = ap.parse_args()
    DEST.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for package, files in FILES.items():
            whl, version = wheel(package, getattr(args, package), Path(tmp))
            with zipfile.ZipFile(whl) as zf:
                for inner, name in files:
                    data = zf.read(inner)
                    (DEST / name).write_bytes(data)
                    rows.append((name, package, version, hashlib.sha256(data).hexdigest()))
                licence = next(n for n in zf.namelist() if n.endswith(LICENCE_SUFFIXES))
                (DEST / f"LICENSE.{package}").write_bytes(zf.read(licence))
    lines = [
        "# Division data shipped with county-kg",
        "",
        "Made by `python scripts/update_divisions.py`; do not edit by hand.",
        "",
        "| file | from | version | licence | sha256 |",
        "|---|---|---|---|---|",
    ]
    for name, package, version, digest in rows:
        lines.append(f"| `{name}` | {package} (PyPI) | {version} | `LICENSE.{package}` | `{digest}` |")
    (DEST / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, package, version, _ in rows:
        print(f"{name}: {package} {version}")


if __name__ == "__main__":
    main()
