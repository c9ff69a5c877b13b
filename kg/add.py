"""`kg add`: bring reports (files or URLs) into the corpus with their metadata, all or nothing.

Everything is checked before anything is written: the corpus folder, every source, its sidecar (by
the reader's own rules and validation), and --meta with its county. Each report and its sidecar are
then staged under hidden temporary names in the corpus folder (the reader never lists hidden files)
and synced; only when every source is staged do they get their final names, sidecar first, so a kill
leaves nothing a build reads, or a report whole with its metadata. Bytes already in the corpus are not
added again. The name chosen is free for the report and its sidecar (see kg.read "sidecars"), and the
copy's permission bits are the source's read/write bits, never more than the umask allows.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import stat
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg import read
from kg.atomic import current_umask, pid_alive
from kg.fetch import FetchError, fetch

TEMP_PREFIX = ".kg-add-"
DEFAULT_TIMEOUT = 60.0  # seconds for a URL, the whole answer
_URL = re.compile(r"^https?://", re.I)
_UNSAFE = re.compile(r'[/\\<>:"|?*]')


class AddError(Exception):
    """Nothing was added; str() is the one-line reason. `usage`: the inputs were at fault (exit 2),
    else fetching or writing failed (exit 1)."""

    def __init__(self, message: str, usage: bool = True):
        super().__init__(" ".join(message.split()))
        self.usage = usage


@dataclass
class Added:
    """One source's outcome: the report's new path, or the report already holding its bytes."""

    source: str
    path: Path | None = None
    duplicate_of: str | None = None


# ---------------------------------------------------------------------------
# checking the inputs

def parse_meta(pairs: Iterable[str]) -> dict:
    """--meta KEY=VALUE pairs as sidecar fields; a county must be one the division list knows."""
    meta = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in read.SIDECAR_FIELDS:
            raise AddError(f"--meta {pair!r}: expected KEY=VALUE with KEY one of {', '.join(sorted(read.SIDECAR_FIELDS))}")
        meta[key] = value.strip()
    if meta.get("county"):
        check_county(meta["county"])
    return meta


def check_county(name: str) -> None:
    """Raise AddError unless NAME resolves as the county tagger resolves a sidecar county: a full
    county name, or a short form (two characters or more) of exactly one county. The error names
    the nearest county names (difflib over full names and short forms)."""
    from kg import divisions

    div = divisions.load()
    if any(c.name == name for c in div.lookup(name)):
        return
    found = div.lookup(name) if len(name) >= 2 else []
    if len(found) == 1:
        return
    if found:
        raise AddError(f"--meta county={name}: {len(found)} counties have that short form: "
                       f"{_listing(found)}; give the full name")
    near: list = []
    for key in difflib.get_close_matches(name, list(div.by_name), n=12, cutoff=0.5):
        near += [c for c in div.lookup(key) if c not in near]
    hint = f"nearest: {_listing(near[:6])}" if near else "no county name is close"
    raise AddError(f"--meta county={name}: not a county in the division list; {hint}")


def _listing(counties: list) -> str:
    return ", ".join(f"{c.name} ({c.province}{'' if c.prefecture == c.province else c.prefecture})" for c in counties)


def safe_name(name: str, default: str = "report") -> str:
    """A visible basename inside the folder: the last path part, no leading dots, dashes or spaces,
    no control or format characters, no separators or characters Windows refuses; at most 120 bytes."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join("_" if unicodedata.category(c)[0] == "C" or c in "\u2028\u2029" else c for c in name)
    name = _UNSAFE.sub("_", name).lstrip(". -\t").rstrip(" ")
    suffix = next((name[-len(s):] for s in read.REPORT_SUFFIXES if name.lower().endswith(s)), "")
    stem = name[: len(name) - len(suffix)]
    while len((stem + suffix).encode("utf-8")) > 120:
        stem = stem[:-1]
    return (stem + suffix) if stem else default + suffix


def _url_name(url: str) -> str:
    name = safe_name(urllib.parse.unquote(urllib.parse.urlparse(url).path))
    return name if name.lower().endswith(read.REPORT_SUFFIXES) else name + ".html"


@dataclass
class _Plan:
    source: str
    name: str
    meta: dict
    mode: int
    temp: Path | None = None
    side_temp: Path | None = None
    digest: str = ""
    size: int = 0


def _plan(source: str, meta: dict, warn: Callable[[str], None], max_bytes: int) -> _Plan:
    """What adding SOURCE means, checked: its name, its metadata (sidecar, then --meta) and mode."""
    umask = current_umask()
    if _URL.match(source):
        return _Plan(source, _url_name(source), {"url": source, **meta}, 0o666 & ~umask)
    src = Path(source)
    try:
        st = os.stat(src)
    except OSError as e:
        raise AddError(f"{source}: cannot read: {e.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise AddError(f"{source}: not a regular file")
    if not src.name.lower().endswith(read.REPORT_SUFFIXES) or src.name.lower().endswith(read.SIDECAR_SUFFIX):
        raise AddError(f"{source}: not a report ({', '.join(read.REPORT_SUFFIXES)})")
    if st.st_size > max_bytes:
        raise AddError(f"{source}: too large: {st.st_size} bytes (limit {max_bytes})")
    if not os.access(src, os.R_OK):
        raise AddError(f"{source}: cannot read: Permission denied")
    side, why = read.sidecar_of(src)
    if why:
        warn(f"{source}: warning: {why}")
    found = {}
    if side is not None:
        try:
            found, _ = read.read_sidecar(side)
        except read.SidecarError as e:
            raise AddError(f"{source}: {e}") from None
    return _Plan(source, safe_name(src.name), {**found, **meta}, stat.S_IMODE(st.st_mode) & 0o666 & ~umask)


# ---------------------------------------------------------------------------
# staging under hidden names

def _temp(corpus: Path, tag: str) -> tuple[Path, int]:
    """A new hidden file in the corpus, named by this process (so a later add can tell it is stale)."""
    path = corpus / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(6).hex()}.{tag}"
    return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)


def _remove_stale_temps(corpus: Path) -> None:
    """Temporaries left by an add that was killed: its process is gone."""
    for p in corpus.glob(TEMP_PREFIX + "*"):
        pid = p.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):  # ours, or alive as someone else's, stays
            p.unlink(missing_ok=True)


def _stage(plan: _Plan, corpus: Path, timeout: float, max_bytes: int) -> None:
    """Write the report (and its sidecar) to hidden temporaries, synced, with their final mode."""
    plan.temp, fd = _temp(corpus, "part")
    h = hashlib.sha256()
    with os.fdopen(fd, "wb") as out:
        def write(chunk: bytes) -> None:
            h.update(chunk)
            try:
                out.write(chunk)
            except OSError as e:  # not a fetch error: the corpus folder cannot take it
                raise AddError(f"cannot write into {corpus}: {e.strerror or e}", usage=False) from None

        if _URL.match(plan.source):
            try:
                plan.size = fetch(plan.source, write, timeout=timeout, max_bytes=max_bytes)
            except FetchError as e:
                raise AddError(f"{plan.source}: cannot fetch: {e}", usage=False) from None
        else:
            with open(plan.source, "rb") as src:
                while chunk := src.read(1 << 20):
                    plan.size += len(chunk)
                    if plan.size > max_bytes:
                        raise AddError(f"{plan.source}: too large: over {max_bytes} bytes")
                    write(chunk)
        _sync(out, plan.mode)
    plan.digest = h.hexdigest()
    if plan.size == 0:
        raise AddError(f"{plan.source}: empty file")
    if plan.meta:
        plan.side_temp, fd = _temp(corpus, "side")
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(plan.meta, ensure_ascii=False, indent=1).encode("utf-8"))
            _sync(out, plan.mode)


def _sync(out, mode: int) -> None:
    out.flush()
    os.fchmod(out.fileno(), mode)
    os.fsync(out.fileno())


def _discard(plans: list[_Plan]) -> None:
    for plan in plans:
        for p in (plan.temp, plan.side_temp):
            if p is not None:
                p.unlink(missing_ok=True)
        plan.temp = plan.side_temp = None


# ---------------------------------------------------------------------------
# duplicates and names

class _CorpusBytes:
    """Which report already holds given bytes: sizes first, hashes only of reports of the same size."""

    def __init__(self, corpus: Path):
        self.corpus = corpus
        self.by_size: dict[int, list[Path]] = {}
        for p in read.find_reports(corpus):
            try:
                self.by_size.setdefault(os.stat(p).st_size, []).append(p)
            except OSError:
                continue
        self.digests: dict[Path, str] = {}

    def holder(self, size: int, digest: str) -> Path | None:
        for p in self.by_size.get(size, []):
            if p not in self.digests:
                try:
                    self.digests[p] = hashlib.sha256(p.read_bytes()).hexdigest()
                except OSError:
                    self.digests[p] = ""
            if self.digests[p] == digest:
                return p
        return None

    def note(self, path: Path, size: int, digest: str) -> None:
        self.by_size.setdefault(size, []).append(path)
        self.digests[path] = digest


def _candidates(name: str):
    stem, suffix = name, ""
    for s in read.REPORT_SUFFIXES:
        if name.lower().endswith(s):
            stem, suffix = name[: -len(s)], name[-len(s):]
            break
    yield name
    n = 1
    while True:
        yield f"{stem}-{n}{suffix}"
        n += 1


def _is_free(corpus: Path, name: str) -> bool:
    """NAME and NAME.meta.json are unused, and no report or STEM.meta.json has NAME's stem: so the new
    report inherits no sidecar, and no other report's STEM sidecar becomes ambiguous."""
    stem = read.sidecar_candidates(corpus / name)[1]
    if any(os.path.lexists(p) for p in (corpus / name, *read.sidecar_candidates(corpus / name))):
        return False
    stem_name = stem.name[: -len(read.SIDECAR_SUFFIX)]
    with os.scandir(corpus) as it:
        return not any(read.is_report_name(e.name) and e.name[: e.name.rfind(".")] == stem_name for e in it)


def _link(temp: Path, dest: Path) -> None:
    """Give TEMP the name DEST, failing (FileExistsError) rather than replacing a file there."""
    try:
        os.link(temp, dest)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network or FAT folders): check, then rename
        if os.path.lexists(dest):
            raise FileExistsError(dest) from None
        os.replace(temp, dest)
        return
    temp.unlink()


def _commit(plan: _Plan, corpus: Path) -> Path:
    """The staged report and sidecar under the first free name, sidecar first."""
    for name in _candidates(plan.name):
        if not _is_free(corpus, name):
            continue
        dest = corpus / name
        side = read.sidecar_candidates(dest)[0]
        try:
            if plan.side_temp is not None:
                _link(plan.side_temp, side)
        except FileExistsError:
            continue
        try:
            _link(plan.temp, dest)
        except FileExistsError:  # taken meanwhile by another add: undo the sidecar and go on
            if plan.side_temp is not None:
                os.replace(side, plan.side_temp)
            continue
        plan.temp = plan.side_temp = None
        return dest
    raise AssertionError("unreachable")  # pragma: no cover


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------

def add_reports(sources: Iterable[str], corpus: Path, meta: dict | None = None, *,
                timeout: float = DEFAULT_TIMEOUT, max_bytes: int = read.MAX_BYTES,
                warn: Callable[[str], None] = lambda line: None) -> list[Added]:
    """Add every source to CORPUS (an existing folder) or none: raises AddError, having added nothing,
    when a source, its sidecar or META is bad, or a URL cannot be fetched whole within TIMEOUT seconds
    and MAX_BYTES. A source whose bytes a report in the corpus already has is not added (its Added
    names that report)."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise AddError(f"corpus folder not found: {corpus}")
    meta = dict(meta or {})
    plans = [_plan(s, meta, warn, max_bytes) for s in sources]
    _remove_stale_temps(corpus)
    try:
        for plan in plans:
            _stage(plan, corpus, timeout, max_bytes)
    except OSError as e:
        _discard(plans)
        raise AddError(f"cannot write into {corpus}: {e.strerror or e}", usage=False) from None
    except BaseException:
        _discard(plans)
        raise
    done: list[Added] = []
    have = _CorpusBytes(corpus)
    try:
        for plan in plans:
            holder = have.holder(plan.size, plan.digest)
            if holder is not None:
                _discard([plan])
                done.append(Added(plan.source, duplicate_of=read.display_name(holder, corpus)))
                continue
            dest = _commit(plan, corpus)
            have.note(dest, plan.size, plan.digest)
            done.append(Added(plan.source, path=dest))
    except OSError as e:
        raise AddError(f"cannot write into {corpus}: {e.strerror or e}", usage=False) from None
    finally:
        _discard(plans)
        _sync_folder(corpus)
    return done
