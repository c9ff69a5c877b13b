"""Default-graph triples beyond the contract, in vocabularies other tools know.

ANNOTATION.md's contract says who holds which title (`ckg:title`, `ckg:county`);
here the same facts are also written the W3C ORG way (official org:holds a
org:Post labelled with the title, org:postIn the county organ the title names),
report metadata as Dublin Core (dct:title, dct:source, dct:date), and county
positions as WGS84 geo:lat/geo:long. Nothing here changes a contract triple.
"""
from __future__ import annotations

import datetime as dt
import re

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.geo import coordinates
from kg.graph import KnowledgeGraph, Node
from kg.rdf.terms import DCT, GEO, ID, ORG, PROV, RDF, RDFS, XSD, ckg, node_iri, ordered, report_iri, safe_text, slug, zh


# Which county organ a title names: first rule whose cue the title holds wins.
# None: the post is below the county (town, village, community) and its organ is not known.
ORGAN_RULES: tuple[tuple[tuple[str, ...], str | None, str], ...] = (
    (("镇", "乡", "村", "社区", "街道", "苏木", "嘎查", "驻村", "第一书记", "组织委员"), None, ""),
    (("人大",), "congress", "{c}人民代表大会常务委员会"),
    (("政协",), "cppcc", "中国人民政治协商会议{c}委员会"),
    (("纪委", "监委"), "discipline", "中共{c}纪律检查委员会"),
    (("组织部",), "organization-department", "中共{c}委员会组织部"),
    (("宣传部",), "publicity-department", "中共{c}委员会宣传部"),
    (("统战部",), "united-front-department", "中共{c}委员会统战部"),
    (("县长", "旗长", "区长", "市长"), "government", "{c}人民政府"),
    (("县委", "旗委", "区委", "市委", "书记", "常委"), "committee", "中共{c}委员会"),
)

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def iso_date(value) -> str | None:
    """YYYY-MM-DD for a date written 2021-05-12, 2021/5/12 or 2021年5月12日; None otherwise."""
    m = _DATE.search(str(value or ""))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def organ_for(title: str) -> tuple[str, str] | None:
    """(organ id, label template) of the county organ a title belongs to, or None."""
    for cues, organ, template in ORGAN_RULES:
        if any(c in title for c in cues):
            return (organ, template) if organ else None
    return None


def _county_id(county: Node) -> str:
    return county.attrs.get("code") or slug(county.key)


def post_triples(g: KnowledgeGraph) -> list[tuple]:
    """org:holds / org:Post / org:postIn / ckg:Organ triples for every official's titles."""
    a, label = NamedNode(RDF + "type"), NamedNode(RDFS + "label")
    out: list[tuple] = []
    for n in g.sorted_nodes():
        if n.type != "Official":
            continue
        county = g.nodes.get(("County", n.attrs.get("county") or ""))
        for title in n.attrs.get("titles", []):
            organ = organ_for(title) if county is not None else None
            scope = f"{_county_id(county)}/" if county is not None else ""
            post = NamedNode(f"{ID}post/{scope}{slug(title)}")
            out += [(node_iri(n.ref, n), NamedNode(ORG + "holds"), post),
                    (post, a, NamedNode(ORG + "Post")), (post, label, zh(title))]
            if organ:
                o = NamedNode(f"{ID}organ/{_county_id(county)}/{organ[0]}")
                out += [(post, NamedNode(ORG + "postIn"), o),
                        (o, a, NamedNode(ORG + "Organization")), (o, a, ckg("Organ")),
                        (o, label, zh(organ[1].format(c=county.label))),
                        (o, ckg("organOf"), node_iri(county.ref, county))]
    return out


def report_triples(g: KnowledgeGraph) -> list[tuple]:
    """Dublin Core metadata of each report, and its PROV-O type."""
    out: list[tuple] = []
    for name, meta in sorted(g.reports.items()):
        r = report_iri(name)
        out.append((r, NamedNode(RDF + "type"), NamedNode(PROV + "Entity")))
        if meta.get("title"):
            out.append((r, NamedNode(DCT + "title"), zh(str(meta["title"]))))
        url = str(meta.get("url") or "")
        if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
            out.append((r, NamedNode(DCT + "source"), NamedNode(url)))
        elif url:
            out.append((r, NamedNode(DCT + "source"), Literal(safe_text(url))))
        day = iso_date(meta.get("date"))
        if day:
            out.append((r, NamedNode(DCT + "date"), Literal(day, datatype=NamedNode(XSD + "date"))))
    return out


def _decimal(x: float) -> str:
    """A coordinate to 6 places as Oxigraph writes a decimal (no trailing zeros: 109.18032, 40), so the
    files and the store (which keeps the canonical form) hold the same literal."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def geo_triples(g: KnowledgeGraph) -> list[tuple]:
    """WGS84 latitude/longitude of each county with a known code."""
    out: list[tuple] = []
    dec = NamedNode(XSD + "decimal")
    for n in g.sorted_nodes():
        pos = coordinates(n.attrs.get("code")) if n.type == "County" else None
        if pos:
            s = node_iri(n.ref, n)
            out += [(s, NamedNode(GEO + "lat"), Literal(_decimal(pos[0]), datatype=dec)),
                    (s, NamedNode(GEO + "long"), Literal(_decimal(pos[1]), datatype=dec))]
    return out


def alignment_triples(g: KnowledgeGraph) -> list[Quad]:
    """All of the above as default-graph quads, in a fixed order."""
    dg = DefaultGraph()
    return ordered(Quad(s, p, o, dg) for s, p, o in post_triples(g) + report_triples(g) + geo_triples(g))
