"""Projections of hidden states to 2-D or 3-D: fit on a sample of states, then project any
state sequence onto the same axes.

Each method is an estimator: ``__init__`` stores its arguments, ``fit(X)`` returns self and
sets ``embedding_`` (the sample's coordinates) and ``quality_`` (how faithful the picture is),
``transform(X)`` projects new states. ``to_arrays()`` / ``from_arrays()`` save and restore a
fitted projection as plain arrays (no pickle).
"""

from __future__ import annotations

import json

import numpy as np

__all__ = ["Projection", "PCAProjection", "UMAPProjection", "METHODS", "make_projection",
           "restore_projection"]


def _states(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2:
        raise ValueError(f"expected states as a 2-D array (tokens x units), got shape {X.shape}")
    return X


class Projection:
    """Base class: ``n_components`` (2 or 3) axes, seeded by ``random_state``."""

    method = ""

    def __init__(self, n_components: int = 2, random_state: int = 0):
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X) -> "Projection":  # pragma: no cover - every method overrides it
        raise NotImplementedError

    def transform(self, X) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _arrays(self) -> dict:
        return {}

    def _restore(self, arrays: dict) -> None:
        pass

    def to_arrays(self) -> dict:
        """The fitted projection as named arrays (quality as JSON text)."""
        return {"embedding": self.embedding_.astype(np.float32),
                "quality": np.array(json.dumps(self.quality_)), **self._arrays()}

    @classmethod
    def from_arrays(cls, arrays, n_components: int, random_state: int) -> "Projection":
        """A fitted projection rebuilt from :meth:`to_arrays`."""
        self = cls(n_components, random_state)
        self.embedding_ = np.asarray(arrays["embedding"])
        self.quality_ = json.loads(str(arrays["quality"]))
        self._restore(arrays)
        return self


class PCAProjection(Projection):
    """Principal components (scikit-learn, covariance eigendecomposition: fast for many tokens).

    ``quality_``: ``explained_variance`` (the share of the variance on each axis) and ``total``.
    """

    method = "pca"

    def fit(self, X) -> "PCAProjection":
        from sklearn.decomposition import PCA

        from .cocluster.threads import blas_threads

        X = _states(X)
        with blas_threads(1):   # on the shared cores one thread is faster (benchmarks/README.md)
            pca = PCA(self.n_components, svd_solver="covariance_eigh").fit(X)
        self.mean_, self.components_ = pca.mean_.astype(np.float32), pca.components_.astype(np.float32)
        ratio = [float(r) for r in pca.explained_variance_ratio_]
        self.quality_ = {"explained_variance": ratio, "total": float(sum(ratio))}
        self.embedding_ = self.transform(X)
        return self

    def transform(self, X) -> np.ndarray:
        return (_states(X) - self.mean_) @ self.components_.T

    def _arrays(self):
        return {"mean": self.mean_, "components": self.components_}

    def _restore(self, arrays):
        self.mean_, self.components_ = np.asarray(arrays["mean"]), np.asarray(arrays["components"])


class UMAPProjection(Projection):
    """UMAP (umap-learn, imported only when used). ``quality_``: ``trustworthiness`` (scikit-learn,
    on up to 1,000 sampled points, 10 neighbours): 1 = every neighbour in the picture is a
    neighbour in the states.

    umap's model is not saved as arrays: a restored projection keeps the sample's coordinates,
    and ``transform`` needs it refitted (``refit(X)``, deterministic for a seed).
    """

    method = "umap"
    n_neighbors = 15

    def fit(self, X) -> "UMAPProjection":
        from sklearn.manifold import trustworthiness

        X = _states(X)
        self._fit(X)
        self.embedding_ = self.model_.embedding_.astype(np.float32)
        rng = np.random.default_rng(self.random_state)
        idx = np.sort(rng.choice(len(X), min(len(X), 1000), replace=False))
        k = min(10, max(1, len(idx) // 2 - 1))
        self.quality_ = {"trustworthiness": float(trustworthiness(X[idx], self.embedding_[idx],
                                                                  n_neighbors=k))}
        return self

    def _fit(self, X):
        import warnings

        import umap  # heavy (numba): imported only when someone asks for UMAP

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # "n_jobs overridden by random_state", numba notes
            self.model_ = umap.UMAP(n_components=self.n_components, random_state=self.random_state,
                                    n_neighbors=min(self.n_neighbors, len(X) - 1)).fit(X)

    def refit(self, X) -> "UMAPProjection":
        """Fit the umap model again on the same sample (after :meth:`from_arrays`)."""
        self._fit(_states(X))
        return self

    def transform(self, X) -> np.ndarray:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.model_.transform(_states(X)).astype(np.float32)


def _autoencoder():
    from .autoencoder import AutoencoderProjection

    return AutoencoderProjection


#: projection methods by name (the autoencoder's module loads Keras, so it is resolved lazily)
METHODS = {"pca": lambda: PCAProjection, "umap": lambda: UMAPProjection,
           "autoencoder": _autoencoder}


def make_projection(method: str, n_components: int = 2, random_state: int = 0) -> Projection:
    """An unfitted projection of ``method`` (pca, umap or autoencoder)."""
    return METHODS[method]()(n_components, random_state)


def restore_projection(method: str, arrays, n_components: int, random_state: int) -> Projection:
    """A fitted projection of ``method`` from its saved arrays."""
    return METHODS[method]().from_arrays(arrays, n_components, random_state)
