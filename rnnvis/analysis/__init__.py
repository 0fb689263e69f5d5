"""Analysis of recorded states: co-clustering, word clouds, the word-unit graph, and the
data each view shows (``coclusters``: cached co-cluster views)."""
