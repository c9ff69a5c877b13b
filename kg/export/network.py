"""Each node's degree and community, computed with networkx, for Gephi's Partition and Ranking panels.

The community is a Louvain partition (networkx's, with a fixed seed, so the
same graph always gets the same numbers) of the undirected graph whose edge
weights are the number of reports stating each link. Communities are numbered
by size, largest first (ties: by their smallest node id), so `community` 0 is
the largest. A node with one neighbour (most figures: a `Target` hangs off its
owner) is left out of the Louvain run and joins its neighbour's community,
which is where Louvain puts it; on figure-dense corpora that halves the graph
it runs on.
"""
from __future__ import annotations

SEED = 16  # any fixed number: only reproducibility matters


def degrees_and_communities(node_ids: list[str], edges: list[tuple[str, str, float]]) -> dict[str, tuple[int, int]]:
    """node id -> (degree, community) for the nodes and (source, target, weight) edges given, in order.

    The degree counts links in either direction (a self-loop once), as Gephi's Degree does."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(node_ids)
    degree = dict.fromkeys(node_ids, 0)
    for s, t, w in edges:
        degree[s] += 1
        if t != s:
            degree[t] += 1
        g.add_edge(s, t, weight=g.get_edge_data(s, t, {"weight": 0.0})["weight"] + float(w))
    leaves = {n: next(iter(g[n])) for n in node_ids if g.degree(n) == 1 and n not in g[n]}
    leaves = {n: m for n, m in leaves.items() if m not in leaves}  # a pair of leaves stays a pair
    # a new graph, not g.subgraph(): a subgraph view may list its nodes in set order, which changes with
    # the interpreter's hash seed, and Louvain's result follows the order it meets the nodes in
    core = nx.Graph()
    core.add_nodes_from(n for n in node_ids if n not in leaves)
    core.add_edges_from((u, v, d) for u, v, d in g.edges(data=True) if u not in leaves and v not in leaves)
    parts = [set(p) for p in nx.community.louvain_communities(core, weight="weight", seed=SEED)]
    found = {n: i for i, part in enumerate(parts) for n in part}
    for n, m in leaves.items():
        parts[found[m]].add(n)
    order = sorted(parts, key=lambda p: (-len(p), min(p)))
    community = {n: i for i, part in enumerate(order) for n in part}
    return {n: (degree[n], community[n]) for n in node_ids}
