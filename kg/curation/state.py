"""What the last build made of the corrections, kept in OUT's build state for `kg status`.

`kg status` must list every correction that matches nothing without running a build; matching needs
the facts of the whole corpus, so the build writes its outcome (OUT/.cache/curation.json, with the
digest of the curation files it read) and status reads it back: the lines that matched nothing then
(where they still stand), a line whose report is no longer in the corpus (checked now), and whether
the curation files changed since.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kg.curation.apply import Outcome
from kg.curation.format import Correction, CurationError, files_of, load

STATE_NAME = "curation.json"


def digest(folder: Path | None) -> str:
    """A hash of the curation files' names and bytes ("" when there are none)."""
    files = files_of(folder) if folder is not None else []
    if not files:
        return ""
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def unchanged_since_last_build(state_dir: Path, folder: Path | None) -> bool:
    """The curation files are those the last build into OUT applied (none then and none now counts)."""
    saved = _saved(state_dir)
    return saved is not None and digest(folder) == (saved.get("digest") or "")


def _ident(c: Correction) -> list:
    return [Path(c.file).name, c.fields]


def save(state_dir: Path, folder: Path | None, outcome: Outcome) -> None:
    """Write the outcome (atomically; inside the build's `together()` block it joins the outputs)."""
    from kg.atomic import write_bytes

    data = {
        "folder": str(folder) if folder is not None else None,
        "digest": digest(folder),
        "applied": len(outcome.applied),
        "unmatched": [{"where": c.where, "line": _ident(c), "why": why} for c, why in outcome.unmatched],
        "superseded": [{"where": c.where, "by": later.where} for c, later in outcome.superseded],
    }
    write_bytes(Path(state_dir) / STATE_NAME, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def _saved(state_dir: Path) -> dict | None:
    try:
        data = json.loads((Path(state_dir) / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check(state_dir: Path, folder: Path | None, reports: set[str]) -> tuple[bool, list[str], str | None]:
    """(the curation files changed since the last build, one line per correction that matches
    nothing: `FILE:LINE: why`, the CurationError line of a bad line, which stops every build until
    it is fixed, or None). `reports` are the corpus's reports now."""
    try:
        corrections = load(folder) if folder is not None else []
    except CurationError as exc:
        return True, [], str(exc)
    saved = _saved(state_dir) or {}
    changed = digest(folder) != (saved.get("digest") or "")
    why_then = {json.dumps(u.get("line"), ensure_ascii=False, sort_keys=True): u.get("why")
                for u in saved.get("unmatched", []) if isinstance(u, dict)}
    lines = []
    for c in corrections:
        report = c.get("report")
        if report is not None and report not in reports:
            lines.append(f"{c.where}: report {report} is not in the corpus")
            continue
        why = why_then.get(json.dumps(_ident(c), ensure_ascii=False, sort_keys=True))
        if why:
            lines.append(f"{c.where}: {why}")
    return changed, lines, None
