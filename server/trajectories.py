"""The trajectory endpoints of /api: a layer's states as a projected point cloud, and a typed
text as a path over it (``rnnvis.analysis.trajectoryview``)."""

from __future__ import annotations

from rnnvis.analysis.trajectoryview import CLOUD_PARAMS, PROJECT_PARAMS
from rnnvis.params import MODEL, Params

from .endpoints import array, endpoint, obj

_NUMBERS = array({"type": "number"})
_POINTS = obj("coords", "positions", "words", "context", "cls", "loss", "values",
              coords=array(_NUMBERS), positions=array({"type": "integer"}),
              words=array({"type": "string"}), context=array({"type": "string"}))
_HEADER = ("model", "split", "task", "layer", "state", "method", "dims", "quality")


@endpoint("GET", "/models/<name>/trajectories", path=Params(MODEL), query=CLOUD_PARAMS,
          errors=(400, 404, 409), response=obj(*_HEADER, "sample", "tokens", "points", "classes",
                                                "class_paths", points=_POINTS,
                                                quality={"type": "object"}, class_paths=array()))
def trajectories(name, **params):
    """A projection of one layer's states fitted on a sample of the split, as a point cloud.

    ``quality`` gives the explained variance (PCA), the reconstruction error (autoencoder) or the
    trustworthiness (UMAP). Points carry their word, context, class (classifiers), next-token
    loss (language models) and, with ``unit``, that unit's value.
    """
    from rnnvis.analysis.trajectoryview import trajectory_cloud

    return trajectory_cloud(name, **params)


@endpoint("POST", "/models/<name>/trajectories/project", path=Params(MODEL), body=PROJECT_PARAMS,
          errors=(400, 404, 409, 413),
          response=obj(*_HEADER, "tokens", "oov", "coords", coords=array(_NUMBERS),
                       tokens=array({"type": "string"}), oov=array({"type": "boolean"})))
def project(name, text, **params):
    """A typed text run from the zero state and projected token by token onto the fitted axes."""
    from rnnvis.analysis.trajectoryview import project_text

    return project_text(name, text=text, **params)
