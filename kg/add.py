"""`kg add`: bring reports into the corpus, with their sidecar metadata, without clobbering others."""
from __future__ import annotations

import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

from kg.read import REPORT_SUFFIXES, SIDECAR_FIELDS


class AddError(Exception):
    pass


def parse_meta(pairs: tuple[str, ...] | list[str]) -> dict:
    meta = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in SIDECAR_FIELDS:
            raise AddError(f"--meta {pair!r}: expected KEY=VALUE with KEY one of {', '.join(sorted(SIDECAR_FIELDS))}")
        meta[key] = value
    return meta


def _free_name(folder: Path, name: str) -> Path:
    dest = folder / name
    stem, suffix = dest.stem, dest.suffix
    n = 1
    while dest.exists():
        dest = folder / f"{stem}-{n}{suffix}"
        n += 1
    return dest


def _fetch(url: str, folder: Path) -> tuple[Path, dict]:
    name = Path(urllib.parse.urlparse(url).path).name or "report.html"
    if not name.lower().endswith(REPORT_SUFFIXES):
        name = re.sub(r"[^\w.-]", "_", name) + ".html"
    dest = _free_name(folder, name)
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (a user-given report URL)
            dest.write_bytes(resp.read())
    except OSError as exc:
        raise AddError(f"{url}: cannot fetch: {exc}") from None
    return dest, {"url": url}


def add_report(source: str, corpus: Path, meta: dict) -> Path:
    """Copy a file (or fetch a URL) into CORPUS; write NAME.meta.json when there is metadata."""
    corpus = Path(corpus)
    corpus.mkdir(parents=True, exist_ok=True)
    if re.match(r"^https?://", source):
        dest, fetched = _fetch(source, corpus)
        meta = {**fetched, **meta}
    else:
        src = Path(source)
        if not src.is_file():
            raise AddError(f"{source}: no such file")
        if not src.name.lower().endswith(REPORT_SUFFIXES):
            raise AddError(f"{source}: not a report ({', '.join(REPORT_SUFFIXES)})")
        dest = _free_name(corpus, src.name)
        shutil.copyfile(src, dest)
        for side in (src.with_name(src.stem + ".meta.json"), src.with_name(src.name + ".meta.json")):
            if side.is_file():
                meta = {**json.loads(side.read_text(encoding="utf-8")), **meta}
                break
    if meta:
        dest.with_name(dest.stem + ".meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                                            encoding="utf-8")
    return dest
