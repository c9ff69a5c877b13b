"""Render the exported GraphML as a PNG for the README: force-directed layout, nodes coloured by type.

    python docs/render_graph.py outputs/graph.graphml docs/graph.png

Needs matplotlib (not a runtime dependency of county-kg) and a CJK font
(Debian: fonts-noto-cjk) for the Chinese labels. Figures (Target nodes) are
left out: they are one per report and would hide the network.
"""
from __future__ import annotations

import sys

import matplotlib
import networkx as nx

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

COLOURS = {"County": "#d62728", "Official": "#9467bd", "Person": "#c5b0d5", "Programme": "#1f77b4",
           "Mechanism": "#2ca02c", "Group": "#ff7f0e", "Place": "#8c564b", "Report": "#7f7f7f"}


def cjk_font() -> str | None:
    import glob

    for pattern in ("/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSerifCJK*.tt[cf]",
                    "/usr/share/fonts/**/wqy*.tt[cf]"):
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    return None


def main(src: str, dst: str) -> None:
    G = nx.read_graphml(src)
    G = G.subgraph([n for n, d in G.nodes(data=True) if d.get("type") in COLOURS and d.get("type") != "Report"]).copy()
    G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0])  # unlinked groups and credits
    U = nx.Graph(G)
    pos = nx.spring_layout(U, k=0.35, iterations=200, seed=7)
    font = cjk_font()
    if font:
        font_manager.fontManager.addfont(font)
        name = font_manager.FontProperties(fname=font).get_name()
        plt.rcParams["font.sans-serif"] = [name] + list(plt.rcParams["font.sans-serif"])
    fig, ax = plt.subplots(figsize=(16, 12), dpi=110)
    nx.draw_networkx_edges(U, pos, ax=ax, alpha=0.15, width=0.6)
    for typ, colour in COLOURS.items():
        nodes = [n for n, d in G.nodes(data=True) if d.get("type") == typ]
        sizes = [30 + 25 * U.degree(n) for n in nodes]
        nx.draw_networkx_nodes(U, pos, nodelist=nodes, node_color=colour, node_size=sizes, ax=ax, label=typ,
                               alpha=0.85, linewidths=0)
    hubs = sorted(U.degree, key=lambda x: (-x[1], x[0]))[:18]
    labels = {n: G.nodes[n]["label"] for n, _ in hubs}
    labels.update({n: d["label"] for n, d in G.nodes(data=True) if d.get("type") == "County"})
    nx.draw_networkx_labels(U, pos, labels=labels, font_size=9, ax=ax)
    ax.legend(scatterpoints=1, markerscale=0.6, loc="lower left", frameon=False)
    ax.set_axis_off()
    ax.set_title("county-kg: the five reports of corpus/ (graph.graphml, spring layout; figures and unlinked nodes left out)")
    fig.tight_layout()
    fig.savefig(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
