"""The curation files: JSON Lines a person can read, diff and edit by hand, checked line by line.

Each `*.jsonl` file in the curation folder holds one JSON object a line. Files are read in name
order and lines in order, because a correction applies to the graph as the ones before it left it
(a reject written after a rename names the new label, as the review page showed it). Blank lines
and lines whose first non-blank characters are `#` or `//` are comments. Every line is checked
here, by the same checker for reading and for appending, so a typo (`"objet"`, an unknown action
or type) is one line naming file:line, never a correction quietly ignored.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kg.facts import ENTITY_TYPES, RELATION_TYPES

ACTIONS = ("accept", "reject", "rename", "retype", "merge", "add")
COMMON = ("by", "at", "note")  # optional on every line: who, when (as written), a free comment

# Types whose entities are keyed by their name, and those keyed by name within a county
# (kg.facts.person_key): a retype stays within one family, so the key stays meaningful.
NAME_TYPES = ("County", "Place", "Programme", "Mechanism", "Group")
PERSON_TYPES = ("Official", "Person")
RENAMABLE = NAME_TYPES + PERSON_TYPES  # a Target (a figure) is one report's fact, named by its text

# action -> (required fields, optional fields); reject and accept name a relation or an entity
_FACT = (("report", "subject", "predicate", "object"), ("subject_type", "object_type"))
_ENTITY = (("report", "type", "label"), ())
_FORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rename": (("type", "from", "to"), ()),
    "retype": (("type", "label", "to"), ()),
    "merge": (("type", "keep", "drop"), ()),
    "add": (("report", "subject", "predicate", "object", "sentence"), ("subject_type", "object_type")),
}


class CurationError(ValueError):
    """A curation line that cannot be used; str() is one line: `FILE:LINE: what is wrong`."""

    def __init__(self, file: str | Path, line: int, reason: str):
        super().__init__(f"{file}:{line}: {reason}")
        self.file = str(file)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Correction:
    """One curation line: its fields as written, and where it was read (`file` is the path as the
    folder was given, joined with the file name; `line` counts from 1)."""

    fields: dict[str, Any]
    file: str
    line: int

    @property
    def action(self) -> str:
        return self.fields["action"]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def by(self) -> str | None:
        return self.fields.get("by")

    @property
    def at(self) -> str | None:
        return self.fields.get("at")

    def get(self, name: str, default=None):
        return self.fields.get(name, default)


def form_of(action: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) fields of an action (checked: a known action)."""
    name = action["action"]
    if name in ("reject", "accept"):
        return _FACT if "predicate" in action or "subject" in action or "object" in action else _ENTITY
    return _FORMS[name]


def _check_type(value: str, field: str, allowed=ENTITY_TYPES) -> str | None:
    if value not in allowed:
        return f"{field} must be one of {', '.join(allowed)}, not {value!r}"
    return None


def check(action: Any) -> str | None:
    """Why `action` (one decoded line) is not a valid correction, or None."""
    if not isinstance(action, dict):
        return f"a line must be a JSON object, not {type(action).__name__}"
    name = action.get("action")
    if name not in ACTIONS:
        return f"'action' must be one of {', '.join(ACTIONS)}, not {name!r}" if "action" in action \
            else f"no 'action' (one of {', '.join(ACTIONS)})"
    required, optional = form_of(action)
    allowed = {"action", *required, *optional, *COMMON}
    unknown = [k for k in action if k not in allowed]
    if unknown:
        return (f"unknown field {unknown[0]!r} for {name} (allowed: "
                f"{', '.join(f for f in (*required, *optional, *COMMON))})")
    missing = [f for f in required if f not in action]
    if missing:
        return f"{name} needs {', '.join(repr(f) for f in missing)}"
    for k, v in action.items():
        if not isinstance(v, str):
            return f"{k!r} must be a string, not {json.dumps(v, ensure_ascii=False)[:40]}"
        if k != "note" and not v.strip():
            return f"{k!r} is empty"
    for field in ("type", "subject_type", "object_type"):
        if field in action:
            why = _check_type(action[field], field)
            if why:
                return why
    if "predicate" in action and action["predicate"] not in RELATION_TYPES:
        return f"'predicate' must be one of {', '.join(RELATION_TYPES)}, not {action['predicate']!r}"
    if name in ("rename", "retype", "merge"):
        why = _check_type(action["type"], "type", RENAMABLE)
        if why:
            return why + " (a figure is one report's fact: reject it and add the right one)"
    if name == "retype":
        why = _check_type(action["to"], "to", RENAMABLE)
        if why:
            return why
        family = NAME_TYPES if action["type"] in NAME_TYPES else PERSON_TYPES
        if action["to"] not in family:
            return (f"cannot retype a {action['type']} to {action['to']}: a type of "
                    f"{', '.join(family)} becomes another of these")
    if name == "merge" and action["keep"] == action["drop"]:
        return "'keep' and 'drop' are the same name"
    return None


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError(f"field {k!r} given twice")
        seen[k] = v
    return seen


def is_comment(text: str) -> bool:
    stripped = text.strip()
    return not stripped or stripped.startswith("#") or stripped.startswith("//")


def parse_line(text: str, file: str | Path, line: int) -> dict | None:
    """The action on one line (None for a blank or comment line); CurationError if it is bad."""
    if is_comment(text):
        return None
    try:
        action = json.loads(text, object_pairs_hook=_pairs)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise CurationError(file, line, f"not a JSON object ({reason})") from None
    why = check(action)
    if why:
        raise CurationError(file, line, why)
    return action


def files_of(folder: Path) -> list[Path]:
    """The curation files of a folder, in name order (none if the folder is missing)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("*.jsonl") if p.is_file()), key=lambda p: p.name)


def load(folder: Path) -> list["Correction"]:
    """Every correction in `folder/*.jsonl`: files in name order, lines in order. A missing folder
    holds none; the first bad line raises CurationError naming it."""
    out: list[Correction] = []
    for path in files_of(folder):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CurationError(path, 0, f"cannot be read ({exc.strerror or exc})") from None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        for number, raw in enumerate(data.split(b"\n"), 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise CurationError(path, number, "not UTF-8 text") from None
            action = parse_line(text, path, number)
            if action is not None:
                out.append(Correction(action, str(path), number))
    return out


def now() -> str:
    """The time an action is stamped with: ISO 8601, UTC, to the second, in xsd:dateTime's canonical
    form ("2025-03-01T02:00:00Z": Oxigraph rewrites "+00:00" as "Z" when it patches a store)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _line_count(path: Path) -> tuple[int, bool]:
    """(lines in the file, whether it ends without a newline)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0, False
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0), bool(data) and not data.endswith(b"\n")


def append(folder: Path, action: dict, file: str = "review.jsonl") -> dict:
    """Check `action` as a line of `folder/file` would be checked, stamp "at" (now) unless given,
    and append it as one line; returns the line written, as a dict (keys in the order given, "at"
    last when added here).

    The line goes out in a single write to a descriptor opened with O_APPEND and is fsynced, so a
    crash leaves the file with or without the whole line, never half of it, and two writers never
    interleave inside a line. A file whose last line has no newline (edited by hand) gets one first.
    """
    folder = Path(folder)
    if not file.endswith(".jsonl") or "/" in file or "\\" in file or file.startswith("."):
        raise CurationError(folder / file, 0, "a curation file is a plain name ending in .jsonl")
    path = folder / file
    count, unterminated = _line_count(path)
    line = dict(action)
    if "at" not in line:
        line["at"] = now()
    why = check(line)
    if why:
        raise CurationError(path, count + 1, why)
    data = json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n"
    if unterminated:
        data = b"\n" + data
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(fd, data)
        if written != len(data):  # a full disk: take the partial line back off
            os.ftruncate(fd, os.fstat(fd).st_size - written)
            raise OSError(f"short write to {path}")
        os.fsync(fd)
    finally:
        os.close(fd)
    return line
