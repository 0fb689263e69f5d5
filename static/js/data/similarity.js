// Shaping for layer similarity (CKA) and unit matching (pure).

/** "tiny-lstm L1" */
export function layerLabel(l) {
  return `${l.model} L${l.layer}`;
}

/**
 * The heatmap of a /similarity answer: rows = the first model's layers, columns = the second's
 * (or every layer against every layer for one model). Returns {rows, cols, cells: [{i, j, value,
 * left, right}]} where left/right are the {model, layer, units} of the cell's row and column.
 */
export function ckaCells(answer) {
  const layers = answer.layers.map((l, index) => ({ ...l, index }));
  const [a, b] = answer.models;
  const rows = layers.filter((l) => l.model === a);
  const cols = b === undefined ? rows : layers.filter((l) => l.model === b);
  const cells = [];
  rows.forEach((left, i) => cols.forEach((right, j) => {
    cells.push({ i, j, value: answer.cka[left.index][right.index], left, right });
  }));
  return { rows, cols, cells };
}

/** Lookups of a /matching answer: left -> {unit, r} and right -> {unit, r}. */
export function matchMaps(matching) {
  const left = new Map();
  const right = new Map();
  for (const p of matching?.pairs ?? []) {
    left.set(p.left, { unit: p.right, r: p.r });
    right.set(p.right, { unit: p.left, r: p.r });
  }
  return { left, right };
}

/**
 * An order of the right side's unit clusters that follows the left side's: each right cluster
 * goes beside the left cluster that holds most of its units' partners (weighted by |r|); ties and
 * clusters without partners keep their order. Returns a permutation of the right cluster indices.
 */
export function chipOrderByMatch(leftClusters, rightClusters, pairs) {
  const leftOf = new Map();
  leftClusters.forEach((units, i) => units.forEach((u) => leftOf.set(u, i)));
  const partner = new Map(pairs.map((p) => [p.right, p]));
  const keys = rightClusters.map((units, j) => {
    const weight = new Map();
    for (const u of units) {
      const p = partner.get(u);
      if (!p || !leftOf.has(p.left)) continue;
      const c = leftOf.get(p.left);
      weight.set(c, (weight.get(c) ?? 0) + Math.abs(p.r));
    }
    let best = Infinity;
    let top = -1;
    for (const [c, w] of weight) if (w > top || (w === top && c < best)) { best = c; top = w; }
    return { j, best, top };
  });
  keys.sort((x, y) => x.best - y.best || y.top - x.top || x.j - y.j);
  return keys.map((k) => k.j);
}

/**
 * A co-cluster answer with its clusters in `order` (a permutation of the cluster indices): word
 * and unit clusters, clouds and the links' indices follow. The input is not modified.
 */
export function reorderClusters(data, order) {
  const position = new Map(order.map((old, i) => [old, i]));
  return {
    ...data,
    word_clusters: order.map((i) => data.word_clusters[i]),
    unit_clusters: order.map((i) => data.unit_clusters[i]),
    clouds: order.map((i) => data.clouds[i]),
    links: data.links.map((l) => ({ ...l, word_cluster: position.get(l.word_cluster), unit_cluster: position.get(l.unit_cluster) })),
  };
}
