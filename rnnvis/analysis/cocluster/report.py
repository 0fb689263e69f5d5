"""A readable text report of a co-clustering for the command line."""

import math

import numpy as np

__all__ = ["format_report"]


def format_report(result, words=None, max_words=15, max_units=15):
    """Human-readable multi-line summary of a ``CoClusters`` for the command line.

    Per cluster: size, within-block mean s and mean |s|, the top ``max_words``
    words and ``max_units`` units (strongest first) and the strongest links to other
    unit clusters; then the quality numbers.  ``words`` (row labels) defaults to
    ``result.words``; without labels row indices are shown.
    """
    if words is None:
        words = result.words
    q = result.quality

    def num(v, fmt=".3f"):
        return "n/a" if v is None or (isinstance(v, float) and not math.isfinite(v)) else format(v, fmt)

    n_words, n_units = result.row_labels.size, result.column_labels.size
    lines = [
        f"Co-clustering: k={result.n_clusters} (suggested k={result.suggested_k}), mode={result.mode}, "
        f"seed={result.random_state}",
        f"  {n_words - result.dropped_rows.size} of {n_words} words, "
        f"{n_units - result.dropped_columns.size} of {n_units} units "
        f"(dropped all-zero: {result.dropped_rows.size} words, {result.dropped_columns.size} units)",
        f"  within/between |s| ratio {num(q.get('within_between_ratio'), '.2f')}"
        f" (mode: {num(q.get('within_between_ratio_mode'), '.2f')}); "
        f"seed ARI words {num(q.get('seed_ari_words'))}, units {num(q.get('seed_ari_units'))}; "
        f"eigengap {num(q.get('eigengap'), '.4f')} (x{num(q.get('eigengap_ratio'), '.1f')} median gap)",
    ]
    if q.get("n_split_units") is not None:
        lines.append(
            f"  signed split: {q['n_split_units']} units have their two halves in different clusters; "
            f"{100 * q['split_mass_fraction']:.1f}% of the mass is in halves away from their unit's cluster"
        )
    unit_name = (lambda j: str(result.unit_ids[j])) if result.unit_ids is not None else str
    word_name = (lambda i: str(words[i])) if words is not None else (lambda i: f"#{i}")
    k = result.n_clusters
    for c, (rows, cols) in enumerate(zip(result.word_clusters(), result.unit_clusters())):
        lines.append("")
        lines.append(
            f"Cluster {c}: {rows.size} words x {cols.size} units | "
            f"mean s {result.block_mean[c, c]:+.4f}, mean |s| {result.block_abs_mean[c, c]:.4f}"
        )
        shown = ", ".join(f"{word_name(i)} ({result.row_strength[i]:.3f})" for i in rows[:max_words])
        more = f", ... (+{rows.size - max_words})" if rows.size > max_words else ""
        lines.append(f"  words: {shown}{more}")
        shown = ", ".join(unit_name(j) for j in cols[:max_units])
        more = f", ... (+{cols.size - max_units})" if cols.size > max_units else ""
        lines.append(f"  units: {shown}{more}")
        others = [b for b in np.argsort(-result.block_abs_mean[c], kind="stable") if b != c][:3]
        if k > 1:
            links = ", ".join(
                f"-> units {b}: mean s {result.block_mean[c, b]:+.4f}, "
                f"|s| {result.block_abs_mean[c, b]:.4f}"
                for b in others
            )
            lines.append(f"  other links: {links}")
    return "\n".join(lines)
