"""Bipartite spectral co-clustering of word x unit response matrices (Dhillon, 2001).

The response matrix s[i, j] = E[h_t - h_(t-1) | x_t = word_i] for hidden unit j is
signed.  Spectral co-clustering needs a non-negative matrix, so a *mode* turns the
signed matrix into one explicitly (there is never a global shift, unlike
sklearn.cluster.SpectralCoclustering, which adds -min(X) to a signed matrix):

  abs       |s|                 strength of the response, sign ignored (default)
  positive  max(s, 0)           only units driven up by the words
  negative  max(-s, 0)          only units driven down by the words
  signed    [max(s,0) | max(-s,0)]  each unit split into two columns; a unit's label is
                                the label of the half column holding more of its mass

Pipeline: drop all-zero rows/columns -> degree-regularised normalisation
An = (D1 + tau_r)^-1/2 A (D2 + tau_c)^-1/2 with tau = regularization x the mean row /
column degree (Qin & Rohe 2013; cf. Amini et al. 2013) -> top singular vectors of An by a
seeded randomized range finder (float32, single BLAS thread by default) -> k-means
points: the rows of the top-k left / right singular vectors scaled to unit length
(Qin & Rohe's RSC-tau; Ng, Jordan & Weiss 2002) -> seeded k-means restarts (k-means++
and Lloyd in numpy) on the stacked word and unit points -> every co-cluster gets at
least one word and one unit -> clusters ordered by spectral seriation of the k x k
block matrix, members ordered by strength.
The singular vectors are computed once for every k up to 30 (SpectralEmbedding), so
changing k only reruns k-means and the block statistics.

Why regularise: real response matrices have very heterogeneous degrees (a word's
degree is its total |s|).  Especially in little-trained models, many words barely move
the state (degrees 100-1000x below those of the busiest words) and what response they
have falls on a few weak units.  Plain Dhillon normalisation is blind to scale, so such a
low-mass set of words and units looks like a well-separated co-cluster: the D^-1/2
scaled points of low-degree words spread far out, k-means spends centres on them,
those centres attract no (or one) unit, and the result is one big unit cluster plus
singleton "chips" (e.g. [1, 29, 1, 1] for 32 units, [1, 125, 1, 1] for 128).  tau
makes a set's weight count again (low-mass sets cannot form a cluster of their own),
and unit-length rows stop low-degree points from dominating k-means.
regularization=0 with normalize_rows=False is plain Dhillon (2001): the trivial pair
(singular value 1) is deflated and k-means runs on [D1^-1/2 U; D2^-1/2 V] with k-1
nontrivial vectors.

Modules: ``checks`` (inputs, bounds of k, modes), ``svd`` (randomized SVD), ``kmeans``,
``threads`` (BLAS limits), ``embedding`` (SpectralEmbedding), ``estimator`` (CoClustering,
cocluster), ``result`` (CoClusters), ``agreement`` (ARI), ``stability``, ``null`` (the
within/between ratio against a permutation null), ``report``.
"""

from ...errors import CoclusterError
from .checks import MAX_CLUSTERS, MIN_CLUSTERS, MODES
from .embedding import SpectralEmbedding
from .estimator import CoClustering, cocluster
from .report import format_report
from .null import NullComparison, permutation_null
from .result import CoClusters
from .stability import Stability, bootstrap_stability, seed_stability

__all__ = [
    "MAX_CLUSTERS",
    "MIN_CLUSTERS",
    "MODES",
    "CoClustering",
    "CoClusters",
    "CoclusterError",
    "NullComparison",
    "permutation_null",
    "SpectralEmbedding",
    "Stability",
    "bootstrap_stability",
    "cocluster",
    "format_report",
    "seed_stability",
]
