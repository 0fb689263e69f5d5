"""The bipartite word-unit graph: edges weighted by the expected response s_i(w), with its sign."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np

from ..errors import UserError
from ..params import LAYER, SPLIT, STATE, Param, Params

__all__ = ["bipartite_graph", "write_graph", "GRAPH_PARAMS"]

#: what a graph export takes, besides the model name
GRAPH_PARAMS = Params(
    SPLIT, LAYER, STATE,
    Param("words", "int", 500, min=1, metavar="K", help="the K most frequent words"),
    Param("edges", "int", None, min=1, metavar="K", help="keep the K strongest edges per word"),
    Param("threshold", "float", 0.0, min=0.0, help="drop edges with |s| below this"),
    Param("out", "str", required=True, metavar="FILE", help="output .graphml or .json file"))


def bipartite_graph(matrix: np.ndarray, words: list[str], *, threshold: float = 0.0,
                    top_k: int | None = None, layer: int = 0, kind: str = "h") -> nx.Graph:
    """Word nodes ``w:<word>`` and unit nodes ``u:<layer>:<i>``; an edge per kept (word, unit)
    pair with ``response`` (signed s), ``weight`` (|s|) and ``sign`` (+1/-1).

    Keeps edges with |s| >= ``threshold``, then at most ``top_k`` strongest edges per word.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise UserError(f"matrix shape {matrix.shape} does not match {len(words)} words")
    if not np.all(np.isfinite(matrix)):
        raise UserError("matrix has NaN or inf values")
    if threshold < 0:
        raise UserError(f"threshold: got {threshold}; expected a value >= 0")
    if top_k is not None and top_k < 1:
        raise UserError(f"top_k: got {top_k}; expected a positive integer")
    g = nx.Graph(layer=layer, state=kind)
    units = matrix.shape[1]
    g.add_nodes_from((f"u:{layer}:{i}", {"bipartite": 1, "kind": "unit", "unit": i})
                     for i in range(units))
    strength = np.abs(matrix)
    for row, word in enumerate(words):
        g.add_node(f"w:{word}", bipartite=0, kind="word", word=word)
        keep = np.flatnonzero(strength[row] >= threshold)
        if top_k is not None and len(keep) > top_k:
            keep = keep[np.argsort(-strength[row, keep], kind="stable")[:top_k]]
        for i in keep:
            s = float(matrix[row, i])
            if s == 0.0:
                continue
            g.add_edge(f"w:{word}", f"u:{layer}:{i}", response=s, weight=abs(s),
                       sign=1 if s > 0 else -1)
    return g


def write_graph(g: nx.Graph, out: str | Path) -> Path:
    """Write ``g`` as GraphML (``.graphml``) or node-link JSON (``.json``), atomically."""
    from ..atomic import atomic_path

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".graphml", ".json"):
        raise UserError(f"--out: got {out.name!r}; use a .graphml or .json file name")
    with atomic_path(out, suffix=suffix) as tmp:
        if suffix == ".graphml":
            nx.write_graphml(g, tmp)
        else:
            tmp.write_text(json.dumps(nx.node_link_data(g, edges="edges"), indent=1))
    return out
