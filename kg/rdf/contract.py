"""The default graph: the triples of ANNOTATION.md's contract (types, labels, codes, titles, figures,
relations) that the scorer and users query. Evidence goes to one named graph per report
(`kg.rdf.evidence`), so the contract stays unchanged."""
from __future__ import annotations

from pyoxigraph import Quad

from kg.graph import KnowledgeGraph
from kg.rdf.terms import RDF, RDFS, SKOS, node_iri, nquads, nt_ckg, nt_literal, nt_number, nt_report


def contract_lines(g: KnowledgeGraph) -> list[str]:
    """The default graph as N-Triples statements: everything ANNOTATION.md's table lists, in a fixed
    order for byte-identical output. A statement can repeat (two keys of one county share its IRI):
    whoever assembles the document drops repeats once, over everything it joins."""
    out: list[str] = []
    iris = {ref: f"<{node_iri(ref, n).value}>" for ref, n in g.nodes.items()}
    a_, label_, alt_ = f"<{RDF}type>", f"<{RDFS}label>", f"<{SKOS}altLabel>"
    c = nt_ckg

    def t(s, p, o):
        out.append(f"{s} {p} {o} .")

    for name, meta in sorted(g.reports.items()):
        r = nt_report(name)
        t(r, a_, c("Report"))
        t(r, c("fileName"), nt_literal(name))
        own = meta.get("county")
        if own and ("County", own) in iris:  # the report's own county: queries start from it
            t(r, c("about"), iris[("County", own)])
        for k, prop in (("url", "sourceUrl"), ("date", "date")):
            if meta.get(k):
                t(r, c(prop), nt_literal(str(meta[k])))
    for node in g.sorted_nodes():
        s = iris[node.ref]
        t(s, a_, c(node.type))
        t(s, label_, nt_literal(node.label, "zh-Hans"))
        for surf in sorted(node.surfaces):
            if surf != node.label:
                t(s, alt_, nt_literal(surf, "zh-Hant"))
        for alt in node.attrs.get("alt_labels", ()):  # names a curation merge folded into this node
            if alt != node.label:
                t(s, alt_, nt_literal(alt, "zh-Hans"))
        for rep in sorted(node.reports):
            t(s, c("mentionedIn"), nt_report(rep))
        a = node.attrs
        if node.type == "County" and a.get("code"):
            t(s, c("adminCode"), nt_literal(str(a["code"])))
        elif node.type == "Official":
            for title in a.get("titles", []):
                t(s, c("title"), nt_literal(title, "zh-Hans"))
            county = a.get("county")
            if county and ("County", county) in iris:
                t(s, c("county"), iris[("County", county)])
        elif node.type == "Person":
            for role in a.get("roles", []):
                t(s, c("role"), nt_literal(role))
        elif node.type == "Target":
            t(s, c("value"), nt_number(a["value"]))
            if a.get("value_max") is not None:
                t(s, c("valueMax"), nt_number(a["value_max"]))
            t(s, c("unit"), nt_literal(a.get("unit", "")))
            if a.get("measures"):
                t(s, c("measures"), nt_literal(a["measures"], "zh-Hans"))
            for k, prop in (("comparator", "comparator"), ("deadline", "deadline")):
                if a.get(k):
                    t(s, c(prop), nt_literal(a[k], "zh-Hans"))
            t(s, c("targetKind"), nt_literal(a.get("kind", "achieved")))
    for edge in g.sorted_edges():
        if edge.type == "authoredBy":
            src = nt_report(edge.source[1])
        else:
            src = iris.get(edge.source)
        tgt = iris.get(edge.target)
        if src is not None and tgt is not None:
            t(src, c(edge.type), tgt)
    return out


def contract_triples(g: KnowledgeGraph) -> list[Quad]:
    """`contract_lines` as pyoxigraph quads in the default graph (parsed in Rust)."""
    from pyoxigraph import RdfFormat, parse

    return list(parse(nquads(list(dict.fromkeys(contract_lines(g)))), format=RdfFormat.N_QUADS))
