"""The similarity endpoints of /api: linear CKA between layers of one or two models, and unit
matching between two layers (``rnnvis.analysis.similarityview``)."""

from __future__ import annotations

from rnnvis.analysis.similarityview import MATCHING_PARAMS, SIMILARITY_PARAMS
from rnnvis.params import MODEL, Params

from .endpoints import array, endpoint, obj

_LAYER = obj("model", "layer", "units")


@endpoint("GET", "/models/<name>/similarity", path=Params(MODEL), query=SIMILARITY_PARAMS,
          errors=(400, 404, 409, 422),
          response=obj("models", "split", "kind", "tokens", "layers", "cka",
                       layers=array(_LAYER), cka=array(array({"type": "number"}))))
def similarity(name, **params):
    """Linear CKA between every pair of layers of the model (and of ``other``, which must share
    its vocabulary and evaluated tokens), over the stored states of the same positions."""
    from rnnvis.analysis.similarityview import similarity as run

    return run(name, **params)


@endpoint("GET", "/models/<name>/matching", path=Params(MODEL), query=MATCHING_PARAMS,
          errors=(400, 404, 409, 422),
          response=obj("left", "right", "pairs", "right_order", "mean_abs_r", "cka",
                       left=_LAYER, right=_LAYER,
                       pairs=array(obj("left", "right", "r")),
                       right_order=array({"type": "integer"})))
def matching(name, **params):
    """Units of ``layer`` matched one to one with units of ``layer2`` (of ``other``, or of this
    model) by the correlation of their states (Hungarian assignment on |r|)."""
    from rnnvis.analysis.similarityview import unit_matching

    return unit_matching(name, **params)
