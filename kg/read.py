"""Find the reports under a corpus folder and read each into a `Source`.

Real corpora are messy: files in UTF-8 (with or without BOM), UTF-16, GBK/GB18030
or Big5, HTML pages saved from the web, sidecar metadata files (see "sidecars"
below), and now and then something that is not a report at all. Reading decides
the encoding from the bytes, pulls the main text out of HTML, merges the sidecar
(a bad one is left out with a warning line), and turns every way a file can fail
into one `ReportError` whose message says which file and why, so a build can
skip it and go on.

Knows nothing of NLP or RDF.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.charsets import common_han

__all__ = ["Source", "ReportError", "SidecarError", "REPORT_SUFFIXES", "MAX_BYTES", "find_reports", "report_name", "read_report",
           "decode", "is_report_name", "sidecar_of", "sidecar_candidates", "parse_sidecar", "read_sidecar"]

log = logging.getLogger(__name__)

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
SIDECAR_SUFFIX = ".meta.json"
# Sidecar fields the project knows, and the type each must have.
SIDECAR_FIELDS = {"title": str, "url": str, "date": str, "county": str}
# A report is prose; anything larger is almost surely not one (and would stall a worker).
MAX_BYTES = 64 * 1024 * 1024

# Magic numbers of formats that sometimes get saved as .txt.
_MAGIC = (
    b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"Rar!",
    b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0", b"\x7fELF",
)
# What charset-normalizer may pick when no CJK codec fits: other East Asian
# encodings and Windows Western; never Latin-1, which "decodes" any bytes.
_FALLBACK_CODECS = ("shift_jis", "euc_jp", "euc_kr", "cp949", "cp1252", "utf_16", "utf_32")
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x1B)) + bytes(range(0x1C, 0x20)) + b"\x7f"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Source:
    """One report as read: its decoded text (offsets elsewhere point into this) and metadata."""

    name: str
    path: Path
    text: str
    encoding: str
    meta: dict = field(default_factory=dict)
    digest: str = ""
    warnings: list[str] = field(default_factory=list)  # one line each: read, but not all of it used


_NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _printable(name: str) -> str:
    """A file name for a one-line message: controls, newlines and undecodable bytes escaped (\\n, \\udcb1)."""
    return _NAME_CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


class ReportError(Exception):
    """A report that cannot be read; str() is one line 'corpus/x.txt: skipped: binary data'."""

    def __init__(self, name: str, reason: str, where: str | None = None):
        self.name = name
        self.reason = " ".join(str(reason).split())  # always one line
        self.where = _printable(where or name)  # a file name may hold a newline
        super().__init__(f"{self.where}: skipped: {self.reason}")

    def __str__(self) -> str:
        return f"{self.where}: skipped: {self.reason}"


# ---------------------------------------------------------------------------
# finding reports

def is_report_name(name: str) -> bool:
    """A name find_reports lists: a report suffix, not hidden, not a sidecar."""
    low = name.lower()
    return (
        not name.startswith(".")
        and low.endswith(REPORT_SUFFIXES)
        and not low.endswith(SIDECAR_SUFFIX)
    )


def report_name(path: Path, corpus: Path) -> str:
    """The report's name: its path under the corpus, '/'-separated (the file name if outside)."""
    base = corpus if corpus.is_dir() else corpus.parent
    try:
        return _text_name(Path(os.path.relpath(path, base)).as_posix() if _inside(path, base) else path.name)
    except ValueError:  # other drive on Windows
        return _text_name(path.name)


def _text_name(name: str) -> str:
    """A name every UTF-8 output can hold. POSIX names are bytes, and Python keeps bytes that are not
    UTF-8 as lone surrogates (which the cache, manifest and graph cannot write); such a name, typically
    GBK from a Windows zip, is read as GB18030, else its bad bytes are written as \\xNN."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _inside(path: Path, base: Path) -> bool:
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    return not (rel == ".." or rel.startswith(".." + os.sep))


def find_reports(corpus: Path) -> list[Path]:
    """Every report file under corpus, sorted by relative path.

    Hidden files and folders and sidecars are skipped. Folder symlinks are
    followed once: a folder already visited (by device and inode) is not
    entered again, so a link loop ends, and a file reached twice through
    links is listed once, under its first name in sorted order. A folder that
    cannot be listed (its path over the system's limit, no permission) is
    listed itself, so that reading it fails with the reason and the build
    counts it as a skipped report instead of losing what it holds unsaid.
    """
    corpus = Path(corpus)
    if corpus.is_file():
        return [corpus] if is_report_name(corpus.name) else []
    if not corpus.is_dir():
        return []
    found: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()

    def unlisted(err: OSError) -> None:
        log.debug("cannot list %s: %s", err.filename, err.strerror)
        if err.filename is not None:
            found.append(Path(os.fsdecode(err.filename)))

    for dirpath, dirnames, filenames in os.walk(corpus, followlinks=True, onerror=unlisted):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            found.append(Path(dirpath))
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:  # a symlink back into what we walked already
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in filenames:
            if is_report_name(f):
                found.append(Path(dirpath) / f)
    found.sort(key=lambda p: report_name(p, corpus))
    out, seen_files = [], set()
    for p in found:
        try:
            st = os.stat(p)
            key = (st.st_dev, st.st_ino)
        except OSError:  # a broken link: keep it, reading will say why it fails
            key = None
        if key is not None and key in seen_files:
            continue
        if key is not None:
            seen_files.add(key)
        out.append(p)
    return out


# ---------------------------------------------------------------------------
# decoding



def _plausibility(text: str) -> float:
    """Share of the non-space characters that belong in a Chinese report.

    A wrong CJK codec still yields valid characters, but half of them are
    kana, box drawing, Cyrillic or rare Hanzi; a right one yields everyday
    Hanzi, ASCII and CJK punctuation.
    """
    sample = text[:20000]
    common = common_han()
    good = total = 0
    for c in sample:
        if c.isspace():
            continue
        total += 1
        o = ord(c)
        if o < 0x80:
            good += 0x20 <= o < 0x7F
        elif (
            c in common
            or 0x3000 <= o <= 0x303F  # CJK punctuation
            or 0xFF01 <= o <= 0xFF5E  # full-width forms
            or 0x2010 <= o <= 0x2027  # dashes, quotes, ellipsis
            or 0x00C0 <= o <= 0x024F  # Latin letters with marks: pinyin glosses
        ):
            good += 1
    return good / total if total else 0.0


def _codec_name(name: str) -> str:
    return codecs.lookup(name).name.replace("-", "_")


def _looks_utf16(raw: bytes) -> str | None:
    """'utf_16_le'/'utf_16_be' for BOM-less UTF-16 (its NULs all on one side of the byte pairs), else None.
    An odd length is a file cut short: the pairs are counted without the dangling last byte."""
    raw = raw[: len(raw) - len(raw) % 2]
    if len(raw) < 4:
        return None
    even = raw[0::2].count(0)
    odd = raw[1::2].count(0)
    if odd and even <= odd // 20:
        return "utf_16_le"
    if even and odd <= even // 20:
        return "utf_16_be"
    return None


def decode(raw: bytes) -> tuple[str, str]:
    """Decode a report's bytes; returns (text, codec name). Raises ValueError('binary data' or 'cannot decode: …').

    Order: BOMs, BOM-less UTF-16, binary checks, strict UTF-8 (the common case,
    and a UTF-8 decode that succeeds is almost never wrong), then GB18030 and
    the Big5 family scored by how everyday the decoded characters are
    (charset-normalizer guesses badly on short Chinese), then charset-normalizer
    for anything else.
    """
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf_32"), (codecs.BOM_UTF32_BE, "utf_32"),
        (codecs.BOM_UTF8, "utf_8_sig"),
        (codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(name), name
            except UnicodeDecodeError as e:
                if name == "utf_32":
                    continue  # FF FE 00 00 may be UTF-16LE starting with NUL
                raise ValueError(f"cannot decode: invalid {name} at byte {e.start}") from None
    if b"\x00" in raw:
        guess = _looks_utf16(raw)
        if guess:
            text = _utf16_lenient(raw, guess)
            if text is not None and _plausibility(text) > 0.8:
                return text, guess
    if raw.startswith(_MAGIC):
        raise ValueError("binary data")
    # Outside UTF-16, control bytes are control characters in every codec we read
    # (multi-byte sequences never use them), so a share of them means binary.
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    if controls > max(1, len(raw) // 100):
        raise ValueError("binary data")
    try:
        return raw.decode("utf-8"), "utf_8"
    except UnicodeDecodeError as e:
        utf8_error = e
    text = _utf8_lenient(raw)
    if text is not None:
        return text, "utf_8"
    best = None
    for group in (("gb18030",), ("big5", "cp950", "big5hkscs")):
        for name in group:  # the first of a family that decodes
            try:
                text = raw.decode(name)
            except UnicodeDecodeError:
                continue
            score = _plausibility(text)
            if best is None or score > best[0] + 0.02:
                best = (score, text, name)
            break
    if best and best[0] >= 0.85:
        return best[1], best[2]
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(raw, cp_isolation=list(_FALLBACK_CODECS)).best()
    except Exception:  # pragma: no cover - a detector crash is just "no answer"
        match = None
    if match is not None and match.chaos <= 0.2:
        try:
            text = raw.decode(match.encoding)
            return text, _codec_name(match.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    if best and best[0] >= 0.6:
        return best[1], best[2]
    raise ValueError(
        f"cannot decode: not UTF-8 (invalid byte at {utf8_error.start}), UTF-16, GB18030 or Big5 text"
    )


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _utf16_lenient(raw: bytes, codec: str) -> str | None:
    """BOM-less UTF-16 cut short, as `_utf8_lenient` reads UTF-8: a dangling last byte, and a surrogate
    pair left without its second half, are dropped. None when the units are not UTF-16 otherwise."""
    raw = raw[: len(raw) - len(raw) % 2]
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as e:
        if e.end != len(raw) or len(raw) - e.start != 2:
            return None
    try:
        return raw[:-2].decode(codec)
    except UnicodeDecodeError:
        return None


def _utf8_lenient(raw: bytes) -> str | None:
    """UTF-8 with the two faults real files have: the last character cut off by truncation (dropped),
    and surrogates encoded one by one (CESU-8 pairs are joined; a lone one is left for `_clean` to drop).
    None when the bytes are not UTF-8 otherwise."""
    try:
        text = raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as e:
        if e.reason != "unexpected end of data" or e.end != len(raw) or len(raw) - e.start > 3:
            return None
        try:
            text = raw[: e.start].decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None
    return _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)


def _clean(text: str) -> tuple[str, int]:
    """Unify line ends and drop control characters, stray BOMs and lone surrogates; returns (text, dropped)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, n = _CONTROL.subn("", text)
    return cleaned, n


# ---------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode_html(raw: bytes) -> tuple[str, str]:
    """Decode an HTML page: a BOM, else the page's own <meta charset>, else the bytes."""
    if not raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        m = _META_CHARSET.search(raw[:4096])
        if m:
            declared = m.group(1).decode("ascii", "replace").lower()
            if declared in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "euc-cn"):
                declared = "gb18030"  # pages labelled GB2312 routinely hold GBK characters
            try:
                return raw.decode(declared), _codec_name(declared)
            except (UnicodeDecodeError, LookupError):
                pass
    return decode(raw)


def _html_text(html: str) -> tuple[str, dict]:
    """Main text and metadata of a page, by trafilatura; lxml's <body> text only if that finds nothing."""
    import trafilatura

    meta: dict = {}
    text = ""
    try:
        doc = trafilatura.bare_extraction(
            html, include_comments=False, favor_recall=True, with_metadata=True
        )
    except Exception as e:  # trafilatura raises on some broken markup
        log.debug("trafilatura failed: %s", e)
        doc = None
    if doc is not None:
        text = (getattr(doc, "text", None) or "").strip()
        for key in ("title", "date"):
            value = getattr(doc, key, None)
            if isinstance(value, str) and value.strip():
                meta[key] = value.strip()
    if not text:
        text = _body_text(html)
    return text, meta


def _body_text(html: str) -> str:
    """Text of <body> without script/style: the fallback for pages trafilatura finds nothing in."""
    try:
        import lxml.html

        # huge_tree: libxml2 otherwise drops everything nested deeper than 256 elements
        root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except Exception:
        return ""
    bodies = root.xpath("//body")
    if not bodies:
        return ""
    body = bodies[0]
    for bad in body.xpath(".//script|.//style|.//noscript|.//template"):
        bad.drop_tree()
    lines = [" ".join(line.split()) for line in body.text_content().splitlines()]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------
# sidecars
#
# A report's sidecar is NAME.meta.json (r.txt.meta.json): it belongs to that one file, whatever else
# the folder holds, and it is what `kg add` writes. The older STEM.meta.json (r.meta.json) is still
# honoured, but only when it cannot be someone else's: no NAME.meta.json beside the report, exactly
# one report in the folder with that stem, and no report named STEM (whose NAME sidecar it would be).
# A STEM sidecar that several reports could claim is ignored, with a warning for each of them.


class SidecarError(ValueError):
    """A sidecar that cannot be used; str() is one line: 'bad sidecar r.txt.meta.json: invalid JSON: …'."""


def _stem(name: str) -> str:
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


_LISTINGS: dict[str, tuple[int, frozenset[str], dict[str, int]]] = {}
_RACY_NS = 2_000_000_000  # a folder changed this recently may change again within its mtime's tick


def _folder_reports(folder: Path) -> tuple[frozenset[str], dict[str, int]]:
    """Report names in FOLDER and how many share each stem. Kept per process while the folder's mtime
    stands (and is old enough to be trusted), so reading N reports of one folder lists it once, not N times."""
    key = os.path.abspath(folder)
    try:
        mtime = os.stat(folder).st_mtime_ns
    except OSError:
        return frozenset(), {}
    hit = _LISTINGS.get(key)
    if hit is not None and hit[0] == mtime:
        return hit[1], hit[2]
    names = set()
    try:
        with os.scandir(folder) as it:
            for e in it:
                try:
                    is_dir = e.is_dir()
                except OSError:
                    is_dir = False
                if is_report_name(e.name) and not is_dir:
                    names.add(e.name)
    except OSError:
        return frozenset(), {}
    stems: dict[str, int] = {}
    for n in names:
        stems[_stem(n)] = stems.get(_stem(n), 0) + 1
    found = frozenset(names), stems
    if time.time_ns() - mtime > _RACY_NS:
        _LISTINGS[key] = (mtime, *found)
    return found


def sidecar_candidates(path: Path) -> list[Path]:
    """The names a sidecar of PATH may have: NAME.meta.json, then STEM.meta.json (see `sidecar_of`)."""
    path = Path(path)
    return [path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(_stem(path.name) + SIDECAR_SUFFIX)]


def sidecar_of(path: Path) -> tuple[Path | None, str | None]:
    """The sidecar that belongs to report PATH (None if none), and why a STEM sidecar was passed over."""
    path = Path(path)
    own, by_stem = sidecar_candidates(path)
    if own.is_file():
        return own, None
    if not by_stem.is_file():
        return None, None
    stem = _stem(path.name)
    names, stems = _folder_reports(path.parent)
    if stem in names:  # by_stem is the NAME sidecar of the report called STEM
        return None, None
    others = stems.get(stem, 0) - (path.name in names)
    if others > 0:
        return None, (f"sidecar {_printable(by_stem.name)} ignored: {others + 1} reports share the stem "
                      f"{_printable(stem)!r} (name it {_printable(own.name)})")
    return by_stem, None


def parse_sidecar(data: bytes, label: str) -> dict:
    """A sidecar's fields from its bytes; raises SidecarError naming LABEL and what is wrong with it."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SidecarError(f"bad sidecar {label}: not UTF-8") from None
    except json.JSONDecodeError as e:
        raise SidecarError(f"bad sidecar {label}: invalid JSON: {e.msg} (line {e.lineno})") from None
    except RecursionError:
        raise SidecarError(f"bad sidecar {label}: invalid JSON: nested too deeply") from None
    if not isinstance(obj, dict):
        raise SidecarError(f"bad sidecar {label}: expected a JSON object, got {type(obj).__name__}")
    meta = {}
    for key, value in obj.items():
        want = SIDECAR_FIELDS.get(key)
        if value is None:
            continue
        if want is not None and not isinstance(value, want):
            raise SidecarError(f"bad sidecar {label}: '{key}' must be a string, not {type(value).__name__}")
        meta[key] = value.strip() if isinstance(value, str) else value
    return meta


def read_sidecar(side: Path) -> tuple[dict, bytes]:
    """A sidecar file's fields and bytes; raises SidecarError (unreadable, not UTF-8, not a JSON object,
    a known field of the wrong type). The reader and `kg add` both validate with this."""
    label = _printable(Path(side).name)
    try:
        data = Path(side).read_bytes()
    except OSError as e:
        raise SidecarError(f"bad sidecar {label}: cannot read: {e.strerror}") from None
    return parse_sidecar(data, label), data


def _sidecar_bytes(path: Path) -> tuple[Path | None, bytes, str | None]:
    """The report's sidecar, its bytes for the digest (b'' if none or unreadable), and a warning."""
    side, warning = sidecar_of(path)
    if side is None:
        return None, b"", warning
    try:
        return side, side.read_bytes(), warning
    except OSError:
        return side, b"", warning


def _report_sidecar(path: Path, where: str) -> tuple[dict, bytes, list[str]]:
    """The metadata a report's sidecar gives, its bytes (part of the digest) and warning lines: a bad
    sidecar is left out, not the report (the text is still worth reading), and the warning says so."""
    side, data, warning = _sidecar_bytes(path)
    warnings = [f"{where}: warning: {warning}"] if warning else []
    if side is None:
        return {}, data, warnings
    try:
        meta, data = read_sidecar(side)
    except SidecarError as e:
        warnings.append(f"{where}: warning: {' '.join(str(e).split())}; read without it")
        return {}, data, warnings
    return meta, data, warnings


# ---------------------------------------------------------------------------

def display_name(path: Path, corpus: Path) -> str:
    """How messages name a report: the corpus folder's name and the path inside it (corpus/x.txt)."""
    path, corpus = Path(path), Path(corpus)
    base = corpus if corpus.is_dir() else corpus.parent
    name = report_name(path, corpus)
    return _printable(f"{base.resolve().name or base}/{name}" if _inside(path, base) else str(path))


def read_report(path: Path, corpus: Path) -> Source:
    """Read one report; raises ReportError with a one-line reason when it cannot."""
    path, corpus = Path(path), Path(corpus)
    name = report_name(path, corpus)
    where = display_name(path, corpus)
    try:
        st = os.stat(path)
    except OSError as e:
        raise ReportError(name, f"cannot read: {e.strerror}", where) from None
    if stat.S_ISDIR(st.st_mode):
        try:  # a folder find_reports could not list: say why
            with os.scandir(path):
                pass
        except OSError as e:
            raise ReportError(name, f"cannot list folder: {e.strerror}", where) from None
        raise ReportError(name, "cannot read: Is a directory", where)
    if not stat.S_ISREG(st.st_mode):
        raise ReportError(name, "cannot read: not a regular file", where)
    if st.st_size > MAX_BYTES:
        raise ReportError(name, f"too large: {st.st_size} bytes (limit {MAX_BYTES})", where)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ReportError(name, f"cannot read: {e.strerror}", where) from None
    if not raw.strip():
        raise ReportError(name, "empty file", where)
    meta, side_bytes, warnings = _report_sidecar(path, where)

    try:
        if path.suffix.lower() in HTML_SUFFIXES:
            html, enc = _decode_html(raw)
            html, _ = _clean(html)
            text, html_meta = _html_text(html)
            if not text.strip():
                raise ReportError(name, "no text in HTML", where)
            encoding = "html:" + enc
            meta = {**html_meta, **meta}
        else:
            text, encoding = decode(raw)
    except ValueError as e:
        raise ReportError(name, str(e), where) from None
    text, dropped = _clean(text)
    if dropped and dropped > max(8, len(text) // 20):
        raise ReportError(name, "binary data", where)
    if not text.strip():
        raise ReportError(name, "empty file", where)

    return Source(name=name, path=path, text=text, encoding=encoding, meta=meta, digest=_digest(raw, side_bytes),
                  warnings=warnings)


def _digest(raw: bytes, side_bytes: bytes) -> str:
    h = hashlib.sha256(raw)
    if side_bytes:
        h.update(b"\0sidecar\0")
        h.update(side_bytes)
    return h.hexdigest()


def file_digest(path: Path) -> str | None:
    """The report's cache key part (bytes plus sidecar bytes) without decoding it; None if unreadable."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block, /dev/zero never end
            return None
        raw = Path(path).read_bytes()
    except OSError:
        return None
    return _digest(raw, _sidecar_bytes(Path(path))[1])
