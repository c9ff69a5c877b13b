"""Property-based tests (bounded): normalisation on realistic texts, every exporter on any label, and a
fuzz run of reading and normalising random and mutated bytes."""
from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg import read
from kg.csvsafe import cell
from kg.facts import Entity, Evidence, Relation, ReportFacts
from kg.graph import merge
from kg.rdf.terms import safe_text, slug
from kg.normalize import normalize

from offset_checks import check_offsets

ROOT = Path(__file__).resolve().parent.parent
REPORTS = sorted((ROOT / "corpus").glob("*.txt"))
TEXTS = [p.read_text(encoding="utf-8") for p in REPORTS]
GLOSS = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
BOUNDED = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- a realistic alphabet: the corpus's own characters, its glosses, punctuation, digits, spaces

_HAN = sorted({c for t in TEXTS for c in t if "\u4e00" <= c <= "\u9fff"})
_GLOSSED = sorted({m.group(0) for t in TEXTS for m in GLOSS.finditer(t)})  # 認(rèn), 個(gè), …
_PUNCT = list("，。、；：？！“”‘’《》（）()【】—…·,.;:?!-/|") + ["——", "……"]
_SPACE = [" ", "　", "\n", "\n\n", "\t", "\r\n"]
_DIGITS = list("0123456789") + ["１２", "2021年", "12.5%", "3个"]
TOKEN = st.one_of(
    st.sampled_from(_HAN), st.sampled_from(_HAN), st.sampled_from(_HAN),  # mostly Han
    st.sampled_from(_GLOSSED), st.sampled_from(_PUNCT), st.sampled_from(_SPACE), st.sampled_from(_DIGITS),
)
REALISTIC = st.lists(TOKEN, max_size=120).map("".join)


def test_the_alphabet_is_drawn_from_the_corpus():
    assert len(_HAN) > 1000 and len(_GLOSSED) > 50


@BOUNDED
@given(REALISTIC)
def test_origin_offsets_index_the_original_and_never_go_back(original):
    check_offsets(original, normalize(original))


@BOUNDED
@given(REALISTIC)
def test_no_pinyin_gloss_remains(original):
    assert not GLOSS.search(normalize(original).text)


@BOUNDED
@given(REALISTIC)
def test_normalising_twice_changes_nothing(original):
    once = normalize(original).text
    assert normalize(once).text == once


# ---- every exporter: any label comes back (less what XML 1.0 and RDF cannot carry)

FILES = ("graph.ttl", "graph.trig", "graph.nq", "graph.graphml", "graph.gexf", "nodes.csv")
LABEL = st.text(min_size=1, max_size=25).filter(lambda s: bool(safe_text(s).strip()))


def _facts(label: str, report: str) -> list[ReportFacts]:
    sentence = f"盐亭县实施{label}。"
    ev = Evidence(report, sentence, 0, len(sentence), "initiative.quoted")
    return [ReportFacts(report, {}, [
        Entity("County", "盐亭县", "盐亭县", [], {"code": "510723"}, [ev]),
        Entity("Programme", label, label, [], {}, [ev]),
    ], [Relation("implements", ("County", "盐亭县"), ("Programme", label), [ev])])]


def _rdf_values(path: Path, fmt: str, predicate: str) -> tuple[set[str], set[str]]:
    """(rdflib values, pyoxigraph values) of every object of `predicate` in the file."""
    if fmt == "turtle":
        g = rdflib.Graph().parse(path, format=fmt)
        mine = {str(o) for o in g.objects(None, rdflib.URIRef(predicate))}
    else:
        ds = rdflib.Dataset()
        ds.parse(path, format=fmt)
        mine = {str(q[2]) for q in ds.quads((None, rdflib.URIRef(predicate), None, None))}
    ox = {q.object.value for q in pyoxigraph.parse(path=str(path)) if q.predicate.value == predicate}
    return mine, ox


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=LABEL, report=LABEL)
def test_any_label_and_report_name_round_trip_through_every_exporter(label, report):
    from kg.export import export_all

    want, want_report = safe_text(label), safe_text(report)
    assume(not slug(want).endswith(".") and not slug(want_report).endswith("."))  # test_iri_ending_in_a_dot
    with tempfile.TemporaryDirectory() as d:
        out = Path(d)
        export_all(merge(_facts(label, report)), out, store=False)
        for name, fmt in (("graph.ttl", "turtle"), ("graph.trig", "trig"), ("graph.nq", "nquads")):
            for values in _rdf_values(out / name, fmt, "http://www.w3.org/2000/01/rdf-schema#label"):
                assert want in values, name
            for values in _rdf_values(out / name, fmt, "https://w3id.org/county-kg/ontology#fileName"):
                assert want_report in values, name
            if fmt != "turtle":  # the evidence sentence lives in the report's named graph
                for values in _rdf_values(out / name, fmt, "https://w3id.org/county-kg/ontology#text"):
                    assert safe_text(f"盐亭县实施{label}。") in values, name
        gml = nx.read_graphml(out / "graph.graphml")
        gexf = nx.read_gexf(out / "graph.gexf")
        for G in (gml, gexf):
            assert G.nodes[f"Programme:{want}"]["label"] == want
            assert G.nodes[f"Report:{want_report}"]["label"] == want_report
            assert G.has_edge("County:盐亭县", f"Programme:{want}")
        if "\r" in want + want_report:  # a bare CR breaks the CSV row: test_csv_quotes_a_carriage_return
            return
        with open(out / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        # a cell a spreadsheet would run as a formula is written with a leading ' (kg.csvsafe)
        assert {(r["type"], r["label"]) for r in rows} >= {("Programme", cell(want)), ("Report", cell(want_report))}
        with open(out / "edges.csv", encoding="utf-8-sig", newline="") as fh:
            assert {(e["source"], e["target"]) for e in csv.DictReader(fh)} == {("County:盐亭县", f"Programme:{want}")}


def test_csv_quotes_a_carriage_return(tmp_path):
    from kg.export import tables

    g = merge(_facts("积分\r制", "a\rb.txt"))
    tables.write(g, tmp_path / "nodes.csv", tmp_path / "edges.csv")
    with open(tmp_path / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(g.nodes) + len(g.reports)
    assert {r["label"] for r in rows} >= {"积分\r制", "a\rb.txt"}


def test_iri_ending_in_a_dot_reads_in_rdflib(tmp_path):
    from kg.export import turtle

    turtle.write(merge(_facts("工程.", "r.txt")), tmp_path / "graph.ttl")
    g = rdflib.Graph().parse(tmp_path / "graph.ttl", format="turtle")
    assert "工程." in {str(o) for o in g.objects(None, rdflib.RDFS.label)}


# ---- fuzz: reading and normalising never fail with anything but ReportError

@pytest.fixture(scope="module")
def fuzz_dir():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _read_and_normalise(folder: Path, data: bytes, suffix: str) -> None:
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        src = read.read_report(path, folder)
    except read.ReportError as e:
        assert "\n" not in str(e) and str(e).startswith(f"{folder.name}/fuzz{suffix}: skipped: ")
        return
    assert isinstance(src.text, str) and src.text.strip()
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", src.text)
    t = normalize(src.text)
    assert len(t.origin) == len(t.text) and all(0 <= o < len(src.text) for o in t.origin)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".txt", ".md", ".html"]))
def test_fuzz_random_bytes(fuzz_dir, data, suffix):
    try:
        read.decode(data)
    except ValueError:
        pass
    _read_and_normalise(fuzz_dir, data, suffix)


_REPORT_BYTES = [t.encode(enc, "replace") for t in TEXTS for enc in ("utf-8", "gb18030", "utf-16")]
MUTATION = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "splice"]),
    st.floats(0, 1), st.binary(min_size=1, max_size=6),
)


def _mutate(raw: bytes, edits) -> bytes:
    b = bytearray(raw)
    for kind, where, blob in edits:
        i = int(where * len(b))
        if kind == "flip" and b:
            b[min(i, len(b) - 1)] ^= blob[0] or 0x80
        elif kind == "insert":
            b[i:i] = blob
        elif kind == "delete":
            del b[i:i + len(blob) * 40]
        else:  # splice in a piece of the same text in another encoding
            other = _REPORT_BYTES[blob[0] % len(_REPORT_BYTES)]
            b[i:i] = other[: 50 + blob[-1] * 4]
    return bytes(b)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(raw=st.sampled_from(_REPORT_BYTES), edits=st.lists(MUTATION, min_size=1, max_size=6),
       cut=st.floats(0.05, 1), suffix=st.sampled_from([".txt", ".html"]))
def test_fuzz_mutated_real_reports(fuzz_dir, raw, edits, cut, suffix):
    data = _mutate(raw, edits)
    data = data[: max(1, int(len(data) * cut))]
    _read_and_normalise(fuzz_dir, data, suffix)
