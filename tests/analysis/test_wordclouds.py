"""Tests for rnnvis.analysis.wordclouds: complete, non-overlapping, deterministic word-cloud layouts."""

import io
import json
import string
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from rnnvis.analysis.cocluster import cocluster
from rnnvis.analysis.wordclouds import (CloudLayout, LayoutError, boxes_overlap, layout_clusters, layout_many,
                           layout_words)


def random_words(seed, n):
    """n distinct pseudo-words with seeded lengths and letters, and gamma weights."""
    rng = np.random.default_rng(seed)
    words = set()
    while len(words) < n:
        length = int(rng.integers(1, 11))
        words.add("".join(rng.choice(list(string.ascii_lowercase + "'-"), size=length)))
    weights = rng.gamma(1.0, 1.0, size=n)
    return dict(zip(sorted(words), weights.tolist()))


def assert_complete_and_disjoint(layout, weights):
    assert sorted(w.word for w in layout.words) == sorted(weights)
    for w in layout.words:
        assert w.width > 0 and w.height > 0
        assert 0 <= w.x and w.x + w.width <= layout.width
        assert 0 <= w.y and w.y + w.height <= layout.height
        assert w.rotation in (0, 90)
        assert w.weight == pytest.approx(weights[w.word])
    boxes = [(w.x, w.y, w.x + w.width, w.y + w.height) for w in layout.words]
    for i in range(len(boxes)):  # plain pairwise check, independent of boxes_overlap
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            disjoint = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert disjoint, (layout.words[i], layout.words[j])


@pytest.mark.parametrize("n", [1, 12, 80])
def test_every_word_placed_without_overlap(n):
    weights = random_words(n, n)
    layout = layout_words(weights, random_state=0)
    assert_complete_and_disjoint(layout, weights)


def test_vertical_words_have_transposed_boxes():
    weights = random_words(3, 25)
    layout = layout_words(weights, prefer_horizontal=0.0)
    assert_complete_and_disjoint(layout, weights)
    rotated = [w for w in layout.words if w.rotation == 90]
    assert len(rotated) > len(layout.words) // 2
    assert all(w.height >= w.width for w in rotated if len(w.word) >= 3)


def test_small_canvas_grows_until_every_word_fits():
    weights = random_words(4, 60)
    layout = layout_words(weights, width=120, height=40)
    assert_complete_and_disjoint(layout, weights)
    assert layout.width * layout.height > 120 * 40


def test_tiny_weights_and_fixed_font_sizes_still_give_every_word():
    weights = {w: (1e-9 if i % 2 else 1.0) for i, w in enumerate(random_words(5, 40))}
    assert_complete_and_disjoint(layout_words(weights), weights)
    fixed = layout_words(weights, max_font_size=20, min_font_size=8)
    assert_complete_and_disjoint(fixed, weights)
    assert max(w.font_size for w in fixed.words) <= 20
    assert min(w.font_size for w in fixed.words) >= 8


def test_layout_is_deterministic_for_a_seed():
    weights = random_words(6, 40)
    a, b = layout_words(weights, random_state=7), layout_words(weights, random_state=7)
    assert a == b
    c = layout_words(weights, random_state=8)
    assert [(w.x, w.y) for w in a.words] != [(w.x, w.y) for w in c.words]


def test_boxes_cover_the_rendered_ink():
    # every non-background pixel of wordcloud's own rendering lies in some word box,
    # and every box contains ink: the coordinates follow wordcloud's convention
    weights = random_words(7, 30)
    layout = layout_words(weights, prefer_horizontal=0.5, background_color="white")
    ink = np.asarray(layout.to_image().convert("L")) < 250
    covered = np.zeros_like(ink)
    for w in layout.words:
        covered[w.y : w.y + w.height, w.x : w.x + w.width] = True
        assert ink[w.y : w.y + w.height, w.x : w.x + w.width].any(), w
    assert not (ink & ~covered).any()


def test_larger_weight_never_gets_a_smaller_font():
    weights = random_words(8, 30)
    layout = layout_words(weights)
    ordered = sorted(layout.words, key=lambda w: -w.weight)
    sizes = [w.font_size for w in ordered]
    assert all(a >= b for a, b in zip(sizes, sizes[1:]))


def test_png_and_svg_exports(tmp_path):
    weights = random_words(9, 15)
    layout = layout_words(weights, color={next(iter(weights)): "#ff0000"})
    png = layout.to_png(tmp_path / "cloud.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (layout.width, layout.height)
    with Image.open(tmp_path / "cloud.png") as image:
        assert image.size == (layout.width, layout.height)
    root = ET.fromstring(layout.to_svg(boxes=True))
    texts = [el for el in root.iter() if el.tag.endswith("text")]
    assert sorted(el.get("data-word") for el in texts) == sorted(weights)
    assert {el.get("fill") for el in texts if el.get("data-word") == next(iter(weights))} == {"#ff0000"}


def test_dict_round_trip():
    layout = layout_words(random_words(10, 20))
    data = json.loads(json.dumps(layout.to_dict()))
    assert CloudLayout.from_dict(data) == layout


def test_invalid_weights():
    with pytest.raises(ValueError, match="non-empty mapping"):
        layout_words({})
    with pytest.raises(ValueError, match="must be finite and >= 0"):
        layout_words({"a": -1.0})
    with pytest.raises(ValueError, match="must be finite and >= 0"):
        layout_words({"a": float("nan")})
    with pytest.raises(ValueError, match="blank word"):
        layout_words({"a": 1.0, "  ": 1.0})
    with pytest.raises(ValueError, match="margin must be >= 2"):
        layout_words({"a": 1.0}, margin=0)


def test_impossible_canvas_is_a_clear_error():
    with pytest.raises(LayoutError, match="did not fit"):
        layout_words(random_words(11, 50), width=60, height=20, max_attempts=1)


def test_boxes_overlap_helper():
    layout = layout_words(random_words(12, 10))
    assert boxes_overlap(layout.words) == []
    first = layout.words[0]
    clash = type(first)(**{**first.to_dict(), "word": "clash", "x": first.x + 1, "y": first.y + 1})
    assert boxes_overlap((first, clash)) == [(0, 1)]


def test_layout_clusters_uses_cluster_words_and_strengths():
    rng = np.random.default_rng(13)
    r, c = rng.permutation(np.arange(60) % 3), rng.permutation(np.arange(45) % 3)
    X = (r[:, None] == c[None, :]) * rng.uniform(0.5, 1.5, (60, 45)) + 0.1 * rng.standard_normal((60, 45))
    words = [f"w{i}" for i in range(60)]
    result = cocluster(X, 3)
    layouts = layout_clusters(result, words, max_words=12)
    assert len(layouts) == 3
    for rows, layout in zip(result.word_clusters(), layouts):
        expected = {words[i]: result.row_strength[i] for i in rows[:12]}
        assert_complete_and_disjoint(layout, expected)


def test_layout_many_in_worker_processes_equals_serial_layouts():
    maps = [random_words(seed, n) for seed, n in ((1, 30), (2, 5), (3, 40))]
    serial = [layout_words(m, random_state=4) for m in maps]
    parallel = layout_many(maps, random_state=4, parallel=True)
    assert [p.to_dict() for p in parallel] == [s.to_dict() for s in serial]
    assert layout_many([], parallel=True) == []
    with pytest.raises(ValueError, match="non-empty"):  # a worker's error reaches the caller
        layout_many([maps[0], {}], parallel=True)


def test_layout_workers_exit_when_their_parent_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(__import__('pathlib').Path(__file__).resolve().parents[2])!r})\n"
        "from rnnvis.analysis import wordclouds\n"
        "if __name__ == '__main__':\n"
        "    wordclouds.warm_pool()\n"
        "    print(' '.join(str(p) for p in wordclouds._POOL._processes),"
        " flush=True)\n"
        "    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()

    def alive(pid):
        try:
            with open(f"/proc/{pid}/status") as fh:
                return "State:\tZ" not in fh.read()
        except FileNotFoundError:
            return False

    deadline = time.time() + 10
    while any(alive(p) for p in workers) and time.time() < deadline:
        time.sleep(0.2)
    assert not any(alive(p) for p in workers)
