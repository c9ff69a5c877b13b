"""Issue 6: robust against bad input and crashes, safe to query, byte-for-byte reproducible.

Every hostile input is made here, in tmp_path, from the five real reports (no binaries are committed).
"""
from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import networkx as nx
import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner

from kg import query as kq, read, sparql, store
from kg.build import CACHE_DIR, build
from kg.cli import main
from kg.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REAL = sorted(p.name for p in CORPUS.glob("*.txt"))
COUNTY_CODE = {  # the county each real report is about
    "000_820299a8950da9aa.txt": "510723", "001_80bae33e4e5280a8.txt": "150626",
    "002_ca7ee976e50d1c96.txt": "610528", "003_be5d3f317b1676cc.txt": "441625",
    "004_c08bcf71cc10af30.txt": "140222",
}
OUTPUTS = ("graph.ttl", "graph.trig", "graph.nq", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")
CKG = "https://w3id.org/county-kg/ontology#"
KGID = "https://w3id.org/county-kg/id/"
# N-Quads IRIREF, less its UCHAR escapes (a parsed IRI has them resolved): no controls, space or <>"{}|^`\
IRIREF = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f-\x9f]*")
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _files(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in OUTPUTS}


class Hung(Exception):
    """Not an OSError (TimeoutError is one), so no `except OSError` on the way can swallow it."""


@contextlib.contextmanager
def _deadline(seconds: int, what: str):
    """Fail instead of hanging forever (a FIFO read blocks until a writer comes)."""
    def boom(*_):
        raise Hung(f"{what} still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _file_names(ttl: Path) -> set[str]:
    g = rdflib.Graph().parse(ttl, format="turtle")
    return {str(o) for o in g.objects(None, rdflib.URIRef(CKG + "fileName"))}


# =====================================================================================
# 1. a hostile corpus: each bad file skipped with one clear line, the rest built, exit 3

def _hostile_corpus(root: Path) -> tuple[Path, dict[str, str], set[str]]:
    """(corpus, {report name: exact skip reason}, names that must build)."""
    c = root / "corpus"
    c.mkdir()
    for name in REAL:
        shutil.copy(CORPUS / name, c / name)
        os.chmod(c / name, 0o644)
    t0, t1, t2, t3, t4 = (_text(n) for n in REAL)
    good: set[str] = set(REAL)
    bad: dict[str, str] = {}

    def w(name: str, data: bytes | str) -> Path:
        p = c / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    # empty, blank, a PNG saved as .txt
    w("empty.txt", b"")
    bad["empty.txt"] = "empty file"
    w("blank.txt", " \r\n\t\n")
    bad["blank.txt"] = "empty file"
    w("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16)
    bad["image.txt"] = "binary data"
    # a real report cut in the middle of a character: the cut character is dropped, the rest reads
    raw = t2.encode("utf-8")
    lead = len(raw) // 2
    while not 0xE0 <= raw[lead] <= 0xEF:  # the lead byte of a 3-byte character (a Hanzi)
        lead -= 1
    w("truncated.txt", raw[:lead + 2])  # its first two bytes of three
    good.add("truncated.txt")
    # the same reports in GB18030, Big5 and UTF-16
    w("gb18030.txt", t3.encode("gb18030"))
    w("big5.txt", t1.encode("big5", "replace"))  # 001 is written in Traditional characters
    w("utf16.txt", t4.encode("utf-16"))
    good |= {"gb18030.txt", "big5.txt", "utf16.txt"}
    # one file, two encodings: half UTF-8, half GBK
    mixed = t0[: len(t0) // 2].encode("utf-8") + t0[len(t0) // 2:].encode("gbk", "replace")
    w("mixed.txt", mixed)
    try:
        mixed.decode("utf-8")
        raise AssertionError("mixed.txt should not be UTF-8")
    except UnicodeDecodeError as e:
        at = e.start
    assert at >= len(t0[: len(t0) // 2].encode("utf-8"))
    bad["mixed.txt"] = f"cannot decode: not UTF-8 (invalid byte at {at}), UTF-16, GB18030 or Big5 text"
    # a large report (the 50 MB one is read and normalised in its own test: the NLP stage is too slow)
    w("large.txt", (t3 + "\n") * 20)  # ~250 KB
    good.add("large.txt")
    # HTML: scripts, styles, 500 nested divs and no <body>
    para = max(t2.split("\n"), key=len)
    w("page.html", "<html><head><title>页</title><script>var s='脚本文字';</script>"
      "<style>p{color:red} .x::after{content:'样式文字'}</style></head>"
      + "<div>" * 500 + f"<p>{para}</p><script>alert('另一个脚本')</script>" + "</div>" * 500 + "</html>")
    good.add("page.html")
    # control characters; lone and CESU-8 surrogates (what Python's 'surrogatepass' writes); NULs
    w("controls.txt", t0[:200] + "\x01\x02" + t0[200:400] + "\x0b\x1b\x7f" + t0[400:])
    w("surrogates.txt", t0[:100].encode() + "\ud800".encode("utf-8", "surrogatepass") + t0[100:300].encode()
      + "\ud83d\ude00".encode("utf-8", "surrogatepass") + t0[300:].encode())
    w("nuls.txt", t0[:50].encode() + b"\x00" + t0[50:500].encode() + b"\x00\x00" + t0[500:].encode())
    good |= {"controls.txt", "surrogates.txt", "nuls.txt"}
    w("nul-heavy.txt", bytes(b if i % 8 else 0 for i, b in enumerate(t0.encode())))
    bad["nul-heavy.txt"] = "binary data"
    # file names with spaces, Chinese, quotes and newlines
    for name in ("报告 二.txt", "quote\"d 'name'.txt", "new\nline.txt"):
        w(name, t3[:1500])
        good.add(name)
    w("空\n白.txt", b"")
    bad["空\n白.txt"] = "empty file"
    # links: a folder loop, a file loop, a dangling link, a link to a device
    (c / "sub").mkdir()
    (c / "sub" / "loop").symlink_to(c, target_is_directory=True)
    (c / "loop-a.txt").symlink_to(c / "loop-b.txt")
    (c / "loop-b.txt").symlink_to(c / "loop-a.txt")
    bad["loop-a.txt"] = bad["loop-b.txt"] = "cannot read: Too many levels of symbolic links"
    (c / "dangling.txt").symlink_to(c / "nowhere.txt")
    bad["dangling.txt"] = "cannot read: No such file or directory"
    (c / "device.txt").symlink_to(os.devnull)  # a character device (not /dev/zero: a regression would eat RAM)
    bad["device.txt"] = "cannot read: not a regular file"
    # a FIFO (reading it would block for ever) and a folder named like a report
    os.mkfifo(c / "fifo.txt")
    bad["fifo.txt"] = "cannot read: not a regular file"
    (c / "folder.txt").mkdir()
    # over the size limit (sparse: no disk used)
    with open(c / "huge.txt", "wb") as fh:
        fh.truncate(read.MAX_BYTES + 1)
    bad["huge.txt"] = f"too large: {read.MAX_BYTES + 1} bytes (limit {read.MAX_BYTES})"
    # sidecars: invalid JSON, wrong types, not an object: each report builds without its sidecar
    w("side-json.txt", t3[:800])
    w("side-json.meta.json", '{"title": "x", county: 1')
    w("side-type.txt", t3[:800])
    w("side-type.meta.json", json.dumps({"title": "x", "county": ["盐亭县"]}))
    w("side-list.txt", t3[:800])
    w("side-list.meta.json", "[1, 2]")
    good |= {"side-json.txt", "side-type.txt", "side-list.txt"}
    return c, bad, good


# the warning line each report with a bad sidecar builds with
SIDECAR_WARNINGS = [
    "corpus/side-json.txt: warning: bad sidecar side-json.meta.json: invalid JSON: "
    "Expecting property name enclosed in double quotes (line 1); read without it",
    "corpus/side-list.txt: warning: bad sidecar side-list.meta.json: expected a JSON object, got list; read without it",
    "corpus/side-type.txt: warning: bad sidecar side-type.meta.json: 'county' must be a string, not list; "
    "read without it",
]


def _skip_line(name: str, reason: str) -> str:
    return f"corpus/{name}: skipped: {reason}".replace("\n", "\\n", 1)


def test_hostile_corpus_skips_each_bad_file_with_one_line_and_builds_the_rest(tmp_path):
    corpus, bad, good = _hostile_corpus(tmp_path)
    out = tmp_path / "out"
    with _deadline(90, "kg build"):
        res = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--out", str(out),
                                        "--no-validate", "--workers", "1"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == 3, res.output
    skipped = [ln for ln in res.stderr.splitlines() if ": skipped: " in ln]
    assert sorted(skipped) == sorted(_skip_line(n, r) for n, r in bad.items())
    assert f"{len(bad)} report(s) skipped" in res.stderr
    assert sorted(ln for ln in res.stderr.splitlines() if ": warning: " in ln) == SIDECAR_WARNINGS
    # the manifest keeps each failure with the same line; every good report built
    manifest = json.loads((out / CACHE_DIR / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert {n for n, r in manifest.items() if r["status"] == "failed"} == set(bad)
    assert {n for n, r in manifest.items() if r["status"] == "ok"} == good
    assert _file_names(out / "graph.ttl") == good
    assert not any(n.startswith("sub/loop") for n in manifest)
    # the five real reports' counties, each mentioned in its report
    g = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    for name, code in COUNTY_CODE.items():
        county = rdflib.URIRef(f"{KGID}county/{code}")
        assert (county, rdflib.URIRef(CKG + "mentionedIn"), rdflib.URIRef(f"{KGID}report/{name}")) in g, name
    # the re-encoded copies say the same as their originals
    mentions = {str(r).rsplit("/", 1)[1] for r in g.objects(rdflib.URIRef(f"{KGID}county/441625"),
                                                            rdflib.URIRef(CKG + "mentionedIn"))}
    assert {"gb18030.txt", "large.txt", "003_be5d3f317b1676cc.txt"} <= mentions
    text = (out / "graph.ttl").read_text(encoding="utf-8") + (out / "graph.nq").read_text(encoding="utf-8")
    for junk in ("脚本文字", "样式文字", "另一个脚本"):
        assert junk not in text


def test_what_the_hostile_files_read_as(tmp_path):
    """The files that build read as what they hold, less what cannot be text."""
    corpus, _, _ = _hostile_corpus(tmp_path)
    t0, t2 = _text(REAL[0]), _text(REAL[2])
    src = read.read_report(corpus / "truncated.txt", corpus)
    raw = (corpus / "truncated.txt").read_bytes()
    assert src.encoding == "utf_8" and src.text == raw[:-2].decode("utf-8") and t2.startswith(src.text)
    src = read.read_report(corpus / "surrogates.txt", corpus)
    assert src.text == t0[:100] + t0[100:300] + "\U0001F600" + t0[300:]  # lone dropped, CESU pair joined
    assert read.read_report(corpus / "controls.txt", corpus).text == t0
    assert read.read_report(corpus / "nuls.txt", corpus).text == t0
    page = read.read_report(corpus / "page.html", corpus)
    assert page.text == max(t2.split("\n"), key=len)
    assert read.read_report(corpus / "utf16.txt", corpus).encoding == "utf_16"
    assert read.read_report(corpus / "gb18030.txt", corpus).encoding == "gb18030"


def test_odd_file_names_give_one_line_messages_and_utf8_names(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a\nb\r\x1b.txt").write_bytes(b"")
    gbk = os.fsdecode("报告".encode("gbk") + b".txt")  # a GBK name from a Windows zip: not UTF-8
    (c / gbk).write_text(_text(REAL[3])[:600], encoding="utf-8")
    names = {}
    for p in read.find_reports(c):
        try:
            names[read.report_name(p, c)] = read.read_report(p, c).name
        except read.ReportError as e:
            assert str(e) == "corpus/a\\nb\\r\\x1b.txt: skipped: empty file"
    assert names == {"报告.txt": "报告.txt"}
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--corpus", str(c), "--out", str(out), "--no-validate", "--workers", "1"])
    assert res.exit_code == 3 and "corpus/a\\nb\\r\\x1b.txt: skipped: empty file" in res.stderr, res.output
    assert _file_names(out / "graph.ttl") == {"报告.txt"}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_skipped(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    shutil.copy(CORPUS / REAL[0], c / REAL[0])
    locked = c / "locked.txt"
    locked.write_text("县委。", encoding="utf-8")
    locked.chmod(0)
    try:
        res = build(c, tmp_path / "out")
    finally:
        locked.chmod(0o644)
    assert res.skipped == ["corpus/locked.txt: skipped: cannot read: Permission denied"]


@pytest.mark.slow
def test_a_50_mb_report_reads_and_normalises_in_reasonable_time(tmp_path):
    """50 MB is under MAX_BYTES (64 MiB), so it must be accepted. Only reading and normalising run here
    (a whole build of 50 MB takes minutes; tests/test_linear.py holds extraction linear in length)."""
    unit = (_text(REAL[3]) + "\n").encode("utf-8")
    path = tmp_path / "big.txt"
    with open(path, "wb") as fh:
        for _ in range(50 * 1000 * 1000 // len(unit) + 1):
            fh.write(unit)
    size = path.stat().st_size
    assert 50_000_000 <= size < read.MAX_BYTES
    t = time.perf_counter()
    src = read.read_report(path, tmp_path)
    t_read = time.perf_counter() - t
    assert src.encoding == "utf_8" and len(src.text.encode("utf-8")) == size
    t = time.perf_counter()
    done = normalize(src.text)
    t_norm = time.perf_counter() - t
    assert len(done.text) > 10_000_000 and done.origin[-1] < len(src.text)
    assert t_read < 10 and t_norm < 90, (t_read, t_norm)


def test_a_report_over_a_million_characters_does_not_end_the_build(tmp_path, nlp):
    c = tmp_path / "corpus"
    c.mkdir()
    shutil.copy(CORPUS / REAL[0], c / REAL[0])
    unit = _text(REAL[3]) + "\n"
    (c / "long.txt").write_text(unit * (1_050_000 // len(unit) + 1), encoding="utf-8")  # ~3.2 MB
    res = build(c, tmp_path / "out", nlp=nlp)
    assert REAL[0] in _file_names(tmp_path / "out" / "graph.ttl")
    assert "long.txt" in _file_names(tmp_path / "out" / "graph.ttl") or any("long.txt" in s for s in res.skipped)


# =====================================================================================
# 2. names that try to break the outputs

NASTY_LINE = ('盐亭县全面实施“A<b>&"""\\c\x01\x0b工程”，推行“<党建>&\'引领\\"""} .计划”，'
              '深化“x> <http://evil/p> \\"y工程”。\n')
NASTY_PROGRAMMES = ('A<b>&"""\\c工程', '<党建>&\'引领\\"""} .计划')
NASTY_FILE = 'q"<&>\'\\ {x}|^`报告.txt'


@pytest.fixture(scope="module")
def nasty_out(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("nasty")
    c = root / "corpus"
    c.mkdir()
    (c / NASTY_FILE).write_text(NASTY_LINE + _text(REAL[0]), encoding="utf-8")
    shutil.copy(CORPUS / REAL[3], c / REAL[3])
    res = build(c, root / "out", nlp=nlp)
    assert res.skipped == []
    return res, root / "out"


def test_nasty_names_give_valid_rdf_and_valid_iris(nasty_out, built):
    _, out = nasty_out
    labels = rdflib.RDFS.label
    ttl = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    ds = rdflib.Dataset()
    ds.parse(out / "graph.trig", format="trig")
    nq = rdflib.Dataset()
    nq.parse(out / "graph.nq", format="nquads")
    ox = {name: list(pyoxigraph.parse(path=str(out / name))) for name in ("graph.ttl", "graph.trig", "graph.nq")}
    assert set(ox["graph.trig"]) == set(ox["graph.nq"])
    for label in NASTY_PROGRAMMES:
        lit = rdflib.Literal(label, lang="zh-Hans")
        assert len(set(ttl.subjects(labels, lit))) == 1, label  # one node, not split or injected
        assert len({q[0] for q in ds.quads((None, labels, lit, None))}) == 1
        assert len({q[0] for q in nq.quads((None, labels, lit, None))}) == 1
        assert sum(1 for t in ox["graph.ttl"] if t.predicate.value.endswith("#label") and t.object.value == label) == 1
    # the file name is one literal and one percent-encoded IRI
    names = {str(o) for o in ttl.objects(None, rdflib.URIRef(CKG + "fileName"))}
    assert NASTY_FILE in names
    # every IRI of the dataset is a strict IRIREF
    iris = set()
    for q in ox["graph.nq"]:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, pyoxigraph.NamedNode):
                iris.add(term.value)
        assert not isinstance(q.subject, pyoxigraph.BlankNode) and not isinstance(q.object, pyoxigraph.BlankNode)
    bad = [i for i in iris if not IRIREF.fullmatch(i)]
    assert not bad, bad[:5]
    # and as written: outside the string literals, every <...> token of graph.nq is an IRIREF
    nq_text = (out / "graph.nq").read_text(encoding="utf-8")
    bare = re.sub(r'"(?:[^"\\\n\r]|\\.)*"', '""', nq_text)
    tokens = re.findall(r"<([^>]*)>", bare)
    assert len(tokens) >= 3 * len(ox["graph.nq"]) and not [i for i in tokens if not IRIREF.fullmatch(i)]
    assert not any(i.startswith("http://evil") for i in iris)
    # no predicate the clean corpus does not use, and the programmes look like any other programme
    _, clean = built
    clean_preds = {t.predicate for t in pyoxigraph.parse(path=str(clean / "graph.ttl"))}
    assert {t.predicate for t in ox["graph.ttl"]} <= clean_preds
    prog = rdflib.URIRef(CKG + "Programme")
    shapes = {frozenset(ttl.predicates(s, None)) for s in ttl.subjects(rdflib.RDF.type, prog)}
    for label in NASTY_PROGRAMMES:
        (s,) = ttl.subjects(labels, rdflib.Literal(label, lang="zh-Hans"))
        assert frozenset(ttl.predicates(s, None)) in shapes
        assert set(ttl.predicates(s, None)) <= {rdflib.RDF.type, labels, rdflib.URIRef(CKG + "mentionedIn"),
                                                  rdflib.URIRef(CKG + "family"), rdflib.SKOS.altLabel}


def test_nasty_names_give_valid_graphml_gexf_and_csv(nasty_out):
    _, out = nasty_out
    for name in ("graph.graphml", "graph.gexf"):
        raw = (out / name).read_bytes().decode("utf-8")
        assert not XML_FORBIDDEN.search(raw), name
        ET.fromstring(raw.encode("utf-8"))  # well-formed XML 1.0
    for G in (nx.read_graphml(out / "graph.graphml"), nx.read_gexf(out / "graph.gexf")):
        labels = [d["label"] for _, d in G.nodes(data=True)]
        for label in NASTY_PROGRAMMES:
            assert labels.count(label) == 1, label
        assert G.nodes[f"Programme:{NASTY_PROGRAMMES[0]}"]["type"] == "Programme"
        assert G.nodes[f"Report:{NASTY_FILE}"]["type"] == "Report"
    with open(out / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    assert all(len(r) == len(head) for r in rows)
    by_label = [dict(zip(head, r)) for r in rows]
    for label in NASTY_PROGRAMMES:
        hit = [r for r in by_label if r["label"] == label]
        assert len(hit) == 1 and hit[0]["type"] == "Programme" and IRIREF.fullmatch(hit[0]["iri"])
    with open(out / "edges.csv", encoding="utf-8-sig", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert {"source": "County:盐亭县", "target": f"Programme:{NASTY_PROGRAMMES[0]}", "relation": "implements"}.items() \
        <= next(e for e in edges if e["target"] == f"Programme:{NASTY_PROGRAMMES[0]}").items()


# =====================================================================================
# 3. crash safety

def _facts_entries(out: Path) -> int:
    return len(list((out / CACHE_DIR / "facts").glob("*/*.json")))


@pytest.mark.slow
def test_sigkill_mid_build_keeps_old_outputs_and_the_next_build_matches_a_clean_one(tmp_path, nlp):
    small, big, out, fresh = tmp_path / "small", tmp_path / "big", tmp_path / "out", tmp_path / "fresh"
    small.mkdir()
    big.mkdir()
    for name in REAL[:3]:
        shutil.copy(CORPUS / name, small / name)
    for name in REAL:
        shutil.copy(CORPUS / name, big / name)
    for i in range(12):  # more reports, each different, so the kill lands while they are read
        name = REAL[i % 5]
        (big / f"copy{i:02d}_{name}").write_text(_text(name) + f"\n第{i}次转载。\n", encoding="utf-8")
    build(small, out, nlp=nlp)
    before = {**_files(out), "manifest": (out / CACHE_DIR / "manifest.json").read_bytes()}
    entries = _facts_entries(out)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", "--corpus", str(big), "--out", str(out),
                             "--no-validate", "--workers", "1"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        limit = time.monotonic() + 120
        while _facts_entries(out) < entries + 2 and proc.poll() is None and time.monotonic() < limit:
            time.sleep(0.02)
        assert proc.poll() is None, "the build ended before it could be killed: " + proc.stderr.read().decode()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    written = _facts_entries(out) - entries
    assert 2 <= written < 14  # killed mid-way: 14 reports were new

    # the previous build's files are all there, whole, unchanged, and readable
    after = {**_files(out), "manifest": (out / CACHE_DIR / "manifest.json").read_bytes()}
    assert after == before
    assert _file_names(out / "graph.ttl") == set(REAL[:3])
    assert int(kq.query(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[1][0][0].value) > 100
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != CACHE_DIR]

    # what a kill during the exports would leave (temp files, a half-filled store), named by the dead process
    (out / f".graph.ttl.{proc.pid}.k1ll3d_x.tmp").write_bytes(b"@prefix half")
    (out / f".store.new-{proc.pid}").mkdir()
    (out / f".store.new-{proc.pid}" / "000001.sst").write_bytes(b"\0" * 1024)

    from kg.atomic import sweep_again

    sweep_again()  # this test process wrote into OUT already: let it look again, as a new build would
    res = build(big, out, nlp=nlp)
    assert res.skipped == [] and res.cached >= 3 + 2 and res.cached + res.extracted == 17
    build(big, fresh, nlp=nlp)
    assert _files(out) == _files(fresh)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != CACHE_DIR]
    assert not list((out / CACHE_DIR).rglob("*.tmp"))


@pytest.mark.parametrize("damage", ["nq-altered", "trig-truncated", "nq-deleted", "payload-edited"])
def test_damaged_cache_shard_is_detected_and_rebuilt(tmp_path, nlp, damage):
    c = tmp_path / "corpus"
    c.mkdir()
    for name in REAL[:2]:
        shutil.copy(CORPUS / name, c / name)
    out = tmp_path / "out"
    build(c, out, nlp=nlp)
    files = _files(out)
    entry = sorted((out / CACHE_DIR / "facts").glob("*/*.json"))[0]
    nq, trig = entry.with_suffix(".nq"), entry.with_suffix(".trig")
    if damage == "nq-altered":  # same length, one IRI changed: only the checksum can tell
        data = nq.read_bytes()
        nq.write_bytes(data.replace(b"county/", b"countY/", 1))
        assert nq.read_bytes() != data
    elif damage == "trig-truncated":
        trig.write_bytes(trig.read_bytes()[:-10])
    elif damage == "nq-deleted":
        nq.unlink()
    else:  # valid checksum line and valid JSON, wrong content
        header, facts_line, evidence_line = entry.read_bytes().split(b"\n")
        payload = json.loads(facts_line)
        payload["report"] = "someone-else.txt"
        entry.write_bytes(b"\n".join((header, json.dumps(payload).encode(), evidence_line)))
    res = build(c, out, nlp=nlp)
    assert (res.extracted, res.cached) == (1, 1)
    assert _files(out) == files
    assert entry.exists() and nq.exists() and trig.exists()  # the entry was written again


# =====================================================================================
# 4. query safety

@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    from kg_sample_graph import sample_graph

    from kg.export import export_all

    out = tmp_path_factory.mktemp("robust-sample")
    export_all(sample_graph(), out)
    return out


def _cli():
    from kg.cli_graph import query_cmd, validate_cmd

    group = click.Group(commands=[query_cmd, validate_cmd])
    return lambda *args: CliRunner().invoke(group, list(args))


UNSAFE = [
    "CLEAR ALL", "clear default", "CREATE GRAPH <http://x/g>", "ADD DEFAULT TO <http://x/g>",
    "MOVE <http://x/a> TO <http://x/b>", "COPY DEFAULT TO <http://x/g>", "DROP SILENT GRAPH <http://x/g>",
    "LOAD SILENT <http://example.org/x.ttl> INTO GRAPH <http://x/g>",
    "PREFIX x: <http://x/>\nInSeRt { ?s x:p 1 } WHERE { ?s ?p ?o }",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o }; DELETE WHERE { ?s ?p ?o }",
    "SELECT * WHERE{?s ?p ?o}INSERT DATA{<http://x/a> <http://x/b> 1}",
    "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE {\n  ?s ?p ?o .\n  service <http://example.org/sparql> { ?s ?p ?o }\n}",
    # a prefixed name may end in \# or \' (PN_LOCAL_ESC): neither starts a comment nor a string
    "PREFIX ex: <http://x/> SELECT * WHERE { OPTIONAL { ?s ex:a\\# ?o } SERVICE <http://127.0.0.1:1/s> { ?a ?b ?c } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:a\\' ?o } SERVICE <http://127.0.0.1:1/s> {?a ?b ?c} "
    "FILTER(?o != 'x')",
]


@pytest.mark.parametrize("sparql", UNSAFE, ids=lambda q: " ".join(q.split())[:48])
def test_updates_and_service_are_refused_by_the_api_and_the_cli(sample_out, sparql):
    with pytest.raises(kq.UnsafeQuery):
        kq.query(sample_out, sparql)
    res = _cli()("query", sparql, "--out", str(sample_out))
    assert res.exit_code == 2 and "refused" in res.stderr, res.output


def test_escaped_names_are_still_plain_queries(sample_out):
    q = "PREFIX ex: <http://x/> SELECT ?s ?o WHERE { ?s ex:a\\#b ?o . ?s ex:c\\'d 'SERVICE' }"
    assert sparql.keywords(q) == set()
    assert kq.query(sample_out, q) == (["s", "o"], [])


def test_cli_allow_update_runs_an_update(tmp_path, sample_out):
    out = tmp_path / "copy"
    shutil.copytree(sample_out, out)
    run = _cli()
    assert run("query", "CLEAR DEFAULT", "--out", str(out)).exit_code == 2
    assert kq.query(out, "ASK { ?s ?p ?o }")[1][0][0].value == "true"
    res = run("query", "CLEAR DEFAULT", "--out", str(out), "--allow-update")
    assert res.exit_code == 0, res.output
    assert kq.query(out, "ASK { GRAPH ?g { ?s ?p ?o } }")[1][0][0].value == "true"
    assert kq.query(out, "ASK { ?s a ?t }")[1][0][0].value == "false"  # the default graph is gone


def test_cli_timeout_stops_a_runaway_query(sample_out):
    t = time.monotonic()
    res = _cli()("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
                 "--out", str(sample_out), "--timeout", "0.5")
    assert res.exit_code == 1 and "ran past 0.5 s and was stopped" in res.stderr, res.output
    assert time.monotonic() - t < 15


@pytest.fixture
def no_network(monkeypatch):
    """Every way Python opens a connection or resolves a name raises, and is recorded."""
    calls = []

    def refuse(name):
        def f(*args, **kwargs):
            calls.append((name, args[1:2] if name == "connect" else args[:1]))
            raise OSError(f"network access in a test: {name}")
        return f

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", refuse("urlopen"))
    return calls


JSONLD = json.dumps({"@context": "http://example.org/remote-context.jsonld", "@id": "http://x/a",
                     "@type": "https://w3id.org/county-kg/ontology#County", "name": "盐亭县"})


def test_validate_never_fetches_a_remote_jsonld_context(tmp_path, no_network):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text(JSONLD, encoding="utf-8")
    res = _cli()("validate", "--out", str(out))
    assert res.exit_code == 2 and "is not valid Turtle" in res.stderr, res.output
    assert len(res.stderr.strip().splitlines()) == 1  # a message, not a traceback
    # a Turtle file that names remote things (owl:imports, a JSON literal with @context) is read, not followed
    (out / "graph.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<http://x/o> owl:imports <http://example.org/ontology.ttl> .\n"
        f"<http://x/a> <http://x/p> {json.dumps(JSONLD)}^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> .\n",
        encoding="utf-8")
    res = _cli()("validate", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert no_network == []


def test_query_and_store_loading_never_fetch_a_remote_jsonld_context(tmp_path, sample_out, no_network):
    out = tmp_path / "out"
    shutil.copytree(sample_out, out)
    (out / "graph.nq").write_text(JSONLD, encoding="utf-8")  # loading is N-Quads only: JSON-LD is an error
    with pytest.raises(SyntaxError):
        store.load_file(out / "graph.nq", out)
    assert kq.query(out, "ASK { ?s ?p ?o }")[1][0][0].value == "true"  # the old store is still there
    assert not [p.name for p in out.iterdir() if p.name.startswith(".store")]  # and no half-filled one
    res = _cli()("query", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert no_network == []


def test_kg_never_names_the_jsonld_format():
    """No loader in kg asks rdflib for JSON-LD (whose parser fetches remote contexts)."""
    pattern = re.compile(r"""format\s*=\s*["'](?:json-?ld|application/ld\+json)["']""", re.I)
    assert not [p.name for p in (ROOT / "kg").rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]


def test_validate_api_never_fetches_a_remote_context(tmp_path, no_network):
    from kg.validate import validate

    path = tmp_path / "graph.jsonld"
    path.write_text(JSONLD, encoding="utf-8")
    with contextlib.suppress(Exception):
        validate(path)
    assert no_network == []


# =====================================================================================
# 6. reproducibility

_STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d|\d\d:\d\d:\d\d|lastmodified", re.I)


def test_same_corpus_gives_identical_files_across_runs_and_workers_with_no_stamps_or_blank_nodes(tmp_path):
    c = tmp_path / "corpus"
    shutil.copytree(CORPUS, c)
    (c / "000_820299a8950da9aa.meta.json").write_text(json.dumps({"date": "2021-05-12", "url": "http://x/1"}),
                                                      encoding="utf-8")
    runs = {}
    for label, workers in (("one", "1"), ("two", "2"), ("again", "2")):
        out = tmp_path / label
        res = CliRunner().invoke(main, ["build", "--corpus", str(c), "--out", str(out), "--no-validate",
                                        "--workers", workers, "--full"])
        assert res.exit_code == 0, res.output
        runs[label] = _files(out)
        time.sleep(1.05 if label == "one" else 0)  # a clock that ticked between runs must not show
    assert runs["one"] == runs["two"] == runs["again"]
    files = runs["one"]
    assert b"_:" not in files["graph.nq"] and b"_:" not in files["graph.trig"] and b"_:" not in files["graph.ttl"]
    assert not [q for q in pyoxigraph.parse(io.BytesIO(files["graph.nq"]), format=pyoxigraph.RdfFormat.N_QUADS)
                if isinstance(q.subject, pyoxigraph.BlankNode) or isinstance(q.object, pyoxigraph.BlankNode)]
    today = datetime.date.today()
    for name, data in files.items():
        assert not _STAMP.search(data), (name, _STAMP.search(data).group())
        for day in (today, today - datetime.timedelta(days=1)):
            assert day.isoformat().encode() not in data, name
    assert b"2021-05-12" in files["graph.gexf"]  # the report's own date is data, and it is there
