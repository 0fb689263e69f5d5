"""Word-cloud layouts of word clusters, computed with the wordcloud package's engine."""

# wordcloud places words greedily (largest first) at random free positions of an
# occupancy map built from the *ink* already drawn.  Its layout_ gives, per word,
# ((word, freq), font_size, (row, col), orientation, color): (row, col) is the
# top-left corner of the word's box, which is PIL's textbbox of the word drawn with
# ImageFont.TransposedFont (ROTATE_90 = text turned counter-clockwise, reading
# bottom to top; the box is then the horizontal box transposed).  Because the map
# only knows ink, a later word may land inside an earlier word's box (under a "T",
# between letters).  To keep every box clickable and disjoint, _BoxWordCloud feeds
# wordcloud a mask array that it updates from the colour callback -- which wordcloud
# calls right after placing a word and before it refreshes its occupancy map -- so the
# whole box of each placed word becomes occupied.  Every layout is checked afterwards
# (all words present, boxes inside the canvas and pairwise disjoint) and recomputed on
# a larger canvas if needed.

import io
import math
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from random import Random

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from wordcloud import WordCloud
from wordcloud.wordcloud import FONT_PATH

from ..errors import LayoutError

__all__ = [
    "CloudLayout",
    "LayoutError",
    "PlacedWord",
    "boxes_overlap",
    "layout_clusters",
    "layout_many",
    "layout_words",
    "warm_pool",
]

_ROTATE = {0: None, 90: Image.ROTATE_90}
_MIN_RELATIVE_WEIGHT = 0.01
_CHAR_WIDTH = 0.6  # advance of DroidSansMono, in em


_LOCAL = threading.local()  # FreeType faces are not shared between threads


def _font(font_path, size):
    cache = getattr(_LOCAL, "fonts", None)
    if cache is None:
        cache = _LOCAL.fonts = {}
    key = (font_path, size)
    if key not in cache:
        if len(cache) > 512:
            cache.clear()
        cache[key] = ImageFont.truetype(font_path, size)
    return cache[key]


def _box_size(font_path, size, orientation, word):
    """(width, height) of the word's box exactly as wordcloud measures it."""
    draw = getattr(_LOCAL, "draw", None)
    if draw is None:
        draw = _LOCAL.draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    font = ImageFont.TransposedFont(_font(font_path, size), orientation=orientation)
    box = draw.textbbox((0, 0), word, font=font, anchor="lt")
    return box[2], box[3]


def _default_color(weight):
    """Dark blue for the strongest words, lighter for weaker ones."""
    t = 1.0 - min(max(weight, 0.0), 1.0)
    r, g, b = (int(round(a + (c - a) * t)) for a, c in ((8, 140), (48, 170), (107, 205)))
    return f"#{r:02x}{g:02x}{b:02x}"


def _color_lookup(color, weights):
    """Map word -> colour string from None, a colour, a mapping or a callable."""
    top = max(weights.values())
    if color is None:
        return {w: _default_color(v / top) for w, v in weights.items()}
    if isinstance(color, str):
        return dict.fromkeys(weights, color)
    if isinstance(color, Mapping):
        return {w: str(color.get(w, _default_color(v / top))) for w, v in weights.items()}
    if isinstance(color, Callable):
        return {w: str(color(w, v)) for w, v in weights.items()}
    raise LayoutError(f"color must be None, a colour string, a mapping or a callable, got {type(color)}")


def _font_schedule(rel_weights, max_font_size, relative_scaling=0.5):
    """Font sizes wordcloud would use if every word fitted (its size recurrence)."""
    sizes, size, last = [], max_font_size, 1.0
    for w in rel_weights:
        size = int(round((relative_scaling * (w / last) + (1 - relative_scaling)) * size))
        sizes.append(size)
        last = w
    return sizes


def _fit_schedule(rel_weights, max_font_size, min_font_size, auto_max):
    """Max font size and weights whose size schedule never drops below min_font_size.

    wordcloud stops at the first word smaller than min_font_size, so with an automatic
    max font size that size grows; with a fixed one the smallest weights are raised.
    """
    rel = list(rel_weights)
    if auto_max:
        while _font_schedule(rel, max_font_size)[-1] < min_font_size:
            max_font_size += 1
        return max_font_size, rel
    floor = _MIN_RELATIVE_WEIGHT
    while _font_schedule(rel, max_font_size)[-1] < min_font_size and floor < 1.0:
        floor = min(1.0, floor * 1.5)
        rel = [max(w, floor) for w in rel]
    if _font_schedule(rel, max_font_size)[-1] < min_font_size:
        raise LayoutError(f"max_font_size={max_font_size} is too small for min_font_size={min_font_size}")
    return max_font_size, rel


def _auto_canvas(words, sizes, width, height, margin):
    """A canvas (width, height) roughly big enough for the words at these font sizes."""
    area = sum((_CHAR_WIDTH * len(w) * f + margin + 1) * (f + margin + 1) for w, f in zip(words, sizes))
    area *= 2.2  # greedy random placement wastes space
    widest = max(_CHAR_WIDTH * len(w) * f for w, f in zip(words, sizes)) + 2 * margin + 2
    tallest = max(sizes) + 2 * margin + 2
    if width is None and height is None:
        width = max(200, widest, math.sqrt(area * 1.6))
    if width is None:
        width = max(200, widest, area / height)
    if height is None:
        height = max(120, tallest, area / width)
    return int(math.ceil(width)), int(math.ceil(height))


class _BoxWordCloud(WordCloud):
    """WordCloud that marks each placed word's whole box as occupied (see module notes)."""

    def __init__(self, colors, **kwargs):
        super().__init__(**kwargs)
        self._colors = colors
        self._reserved = None
        self.color_func = self._reserve_and_color

    def _get_bolean_mask(self, mask):
        # int32 so that ink (255) + reserved (255) does not wrap around like uint8 + bool
        self._reserved = np.zeros(mask.shape[:2], dtype=np.int32)
        return self._reserved

    def _reserve_and_color(self, word, font_size, position, orientation, random_state=None, font_path=None):
        row, col = position
        w, h = _box_size(self.font_path, font_size, orientation, word)
        self._reserved[row : row + h, col : col + w] = 255
        return self._colors[word]


@dataclass(frozen=True)
class PlacedWord:
    """One word of a layout, in canvas pixels (origin top-left, y down).

    ``x, y, width, height`` is the box of the drawn text (the ink extent vertically,
    the advance horizontally), ``rotation`` is 0 or 90 (90 = turned counter-clockwise,
    reading bottom to top).  To draw it as SVG text in the same font (DroidSansMono):
    ``<text x=baseline_x y=baseline_y font-size=font_size>`` with, for rotation 90,
    ``transform="rotate(-90 baseline_x baseline_y)"``.
    """

    word: str
    weight: float
    font_size: int
    x: int
    y: int
    width: int
    height: int
    rotation: int
    color: str
    baseline_x: int
    baseline_y: int

    def to_dict(self):
        """Plain JSON-able dict."""
        return dict(self.__dict__)


def _placed(word, weight, font_path, font_size, row, col, orientation, color):
    w, h = _box_size(font_path, font_size, orientation, word)
    l, t, r, _ = _font(font_path, font_size).getbbox(word, anchor="ls")
    if orientation is None:
        rotation, bx, by = 0, col - l, row - t
    else:
        rotation, bx, by = 90, col - t, row + r
    return PlacedWord(
        word=word, weight=float(weight), font_size=int(font_size), x=int(col), y=int(row),
        width=int(w), height=int(h), rotation=rotation, color=color,
        baseline_x=int(bx), baseline_y=int(by),
    )


def boxes_overlap(words):
    """Pairs (i, j) of PlacedWords whose boxes share at least one pixel."""
    if len(words) < 2:
        return []
    x0 = np.array([w.x for w in words])
    y0 = np.array([w.y for w in words])
    x1 = x0 + np.array([w.width for w in words])
    y1 = y0 + np.array([w.height for w in words])
    hit = (
        (x0[:, None] < x1[None, :]) & (x0[None, :] < x1[:, None])
        & (y0[:, None] < y1[None, :]) & (y0[None, :] < y1[:, None])
    )
    i, j = np.nonzero(np.triu(hit, 1))
    return list(zip(i.tolist(), j.tolist()))


@dataclass(frozen=True)
class CloudLayout:
    """A word-cloud layout: canvas size and the placed words (largest first)."""

    width: int
    height: int
    words: tuple
    random_state: int
    font_path: str = FONT_PATH
    background_color: str | None = "white"

    def to_dict(self):
        """Plain JSON-able dict (the font path is left out)."""
        return {
            "width": self.width,
            "height": self.height,
            "random_state": self.random_state,
            "background_color": self.background_color,
            "words": [w.to_dict() for w in self.words],
        }

    @classmethod
    def from_dict(cls, data, font_path=FONT_PATH):
        """Rebuild from ``to_dict()`` output."""
        return cls(
            width=int(data["width"]),
            height=int(data["height"]),
            words=tuple(PlacedWord(**w) for w in data["words"]),
            random_state=data["random_state"],
            font_path=font_path,
            background_color=data.get("background_color", "white"),
        )

    def _wordcloud(self):
        wc = WordCloud(
            font_path=self.font_path, width=self.width, height=self.height,
            background_color=self.background_color,
            mode="RGB" if self.background_color is not None else "RGBA",
        )
        wc.layout_ = [
            ((w.word, w.weight), w.font_size, (w.y, w.x), _ROTATE[w.rotation], w.color)
            for w in self.words
        ]
        return wc

    def to_image(self):
        """A PIL image drawn by wordcloud's own renderer."""
        return self._wordcloud().to_image()

    def to_png(self, path=None):
        """PNG bytes, also written to ``path`` when given (via wordcloud's to_file)."""
        if path is not None:
            self._wordcloud().to_file(str(path))
        buffer = io.BytesIO()
        self.to_image().save(buffer, format="PNG")
        return buffer.getvalue()

    def to_svg(self, font_family="'Droid Sans Mono', 'DejaVu Sans Mono', monospace", boxes=False):
        """SVG string with one <text data-word=...> per word (optionally its box)."""
        from xml.sax.saxutils import escape, quoteattr

        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}">',
            f"<style>text{{font-family:{escape(font_family)};white-space:pre}}</style>",
        ]
        if self.background_color is not None:
            out.append(f'<rect width="100%" height="100%" fill={quoteattr(self.background_color)}/>')
        for w in self.words:
            if boxes:
                out.append(
                    f'<rect x="{w.x}" y="{w.y}" width="{w.width}" height="{w.height}" '
                    'fill="none" stroke="#ccc" stroke-width="0.5"/>'
                )
            rotate = f' transform="rotate(-90 {w.baseline_x} {w.baseline_y})"' if w.rotation else ""
            out.append(
                f'<text x="{w.baseline_x}" y="{w.baseline_y}" font-size="{w.font_size}" '
                f'fill={quoteattr(w.color)} data-word={quoteattr(w.word)}{rotate}>{escape(w.word)}</text>'
            )
        out.append("</svg>")
        return "\n".join(out)


def _check_weights(weights):
    if not isinstance(weights, Mapping) or not weights:
        raise LayoutError("weights must be a non-empty mapping word -> weight")
    clean = {}
    for word, value in weights.items():
        word = str(word)
        if not word.strip():
            raise LayoutError(f"cannot draw the empty or blank word {word!r}")
        value = float(value)
        if not math.isfinite(value) or value < 0:
            raise LayoutError(f"weight of {word!r} must be finite and >= 0, got {value}")
        clean[word] = value
    top = max(clean.values())
    if top <= 0:
        return dict.fromkeys(clean, 1.0)
    return clean


def layout_words(
    weights,
    *,
    width=None,
    height=None,
    max_font_size=None,
    min_font_size=6,
    prefer_horizontal=0.9,
    margin=2,
    random_state=0,
    color=None,
    background_color="white",
    font_path=None,
    max_attempts=8,
):
    """Lay out one word cloud containing every word, with disjoint word boxes.

    Parameters
    ----------
    weights : mapping word -> weight >= 0
        Font sizes follow the weights (wordcloud's relative scaling 0.5); weights
        below 1% of the largest are drawn as 1% (or more, if a fixed max_font_size
        would otherwise push them below min_font_size).  For a word cluster, pass each
        word's mean |response| to its paired unit cluster.
    width, height : int or None
        Canvas size in pixels; None picks one from the number and length of the
        words.  If a word does not fit, both sides grow by 25% (or at once up to the
        estimated area) and the layout is recomputed, up to ``max_attempts`` times.
    max_font_size, min_font_size, prefer_horizontal, margin : see wordcloud.WordCloud
        (margin >= 2 is required for disjoint boxes).
    random_state : int
        Seed of wordcloud's placement; equal seeds give equal layouts.
    color : None, str, mapping word -> str, or callable(word, weight) -> str
        Word colours; None shades from dark blue (strong) to light blue (weak).
    font_path : str or None
        TrueType font; None uses wordcloud's DroidSansMono.

    Returns a ``CloudLayout``; raises LayoutError if some word never fits.
    """
    weights = _check_weights(weights)
    if margin < 2:
        raise LayoutError("margin must be >= 2 (wordcloud offsets boxes by margin // 2)")
    font_path = FONT_PATH if font_path is None else str(font_path)
    order = sorted(weights, key=lambda w: (-weights[w], w))
    top = weights[order[0]]
    auto_max = max_font_size is None
    if auto_max:  # smaller fonts for many words, and the top word must fit across
        max_font_size = int(np.clip(64 / math.sqrt(len(order) / 4), 16, 56))
        if width is not None:
            max_font_size = min(max_font_size, int(0.9 * width / (_CHAR_WIDTH * len(order[0]))))
    max_font_size = max(int(max_font_size), int(min_font_size))
    max_font_size, rel_list = _fit_schedule(
        [max(weights[w] / top, _MIN_RELATIVE_WEIGHT) for w in order],
        max_font_size, int(min_font_size), auto_max,
    )
    rel = dict(zip(order, rel_list))
    colors = _color_lookup(color, weights)
    sizes = _font_schedule(rel_list, max_font_size)
    needed = _auto_canvas(order, sizes, None, None, margin)
    width, height = _auto_canvas(order, sizes, width, height, margin)
    problem = ""
    for _ in range(max_attempts):
        wc = _BoxWordCloud(
            colors,
            font_path=font_path, width=width, height=height, margin=margin,
            mask=np.zeros((height, width), dtype=np.uint8),
            prefer_horizontal=prefer_horizontal, min_font_size=min_font_size,
            max_words=len(rel), random_state=Random(random_state), relative_scaling=0.5,
            background_color=background_color, repeat=False,
        )
        wc.generate_from_frequencies(rel, max_font_size=max_font_size)
        placed = tuple(
            _placed(word, weights[word], font_path, size, row, col, orientation, col_)
            for (word, _), size, (row, col), orientation, col_ in wc.layout_
        )
        inside = all(p.x >= 0 and p.y >= 0 and p.x + p.width <= width and p.y + p.height <= height
                     for p in placed)
        overlaps = boxes_overlap(placed)
        if len(placed) == len(rel) and inside and not overlaps:
            return CloudLayout(
                width=width, height=height, words=placed, random_state=random_state,
                font_path=font_path, background_color=background_color,
            )
        problem = (
            f"{len(rel) - len(placed)} of {len(rel)} words did not fit"
            if len(placed) < len(rel) else f"overlapping boxes {overlaps[:3]}"
        )
        # grow both sides by 25%, and at once to the estimated area if still below it
        grow = max(1.25, math.sqrt(needed[0] * needed[1] / (width * height)))
        width, height = int(math.ceil(width * grow)), int(math.ceil(height * grow))
    raise LayoutError(f"word cloud layout failed after {max_attempts} attempts: {problem}")


_POOL = None
_POOL_LOCK = threading.Lock()


def _pool():
    """A process pool for layouts (wordcloud holds the GIL, so threads would not help).

    Workers are spawned, not forked, so they never inherit the parent's TensorFlow threads;
    they import only this module's dependencies.
    """
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(_workers(), mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_watch_parent, initargs=(os.getpid(),))
        return _POOL


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the parent dies, even by SIGKILL (the workers hold each other's
    queue pipes open, so they would otherwise wait forever)."""
    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _workers():
    return min(4, os.cpu_count() or 1)


def _reset_pool():
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL = None


def layout_many(weight_maps, *, parallel=False, **kwargs):
    """``layout_words`` for each mapping of ``weight_maps`` (same keyword arguments), in order.

    ``parallel=True`` lays several clouds out in a pool of worker processes (one per core, up
    to 4, kept for later calls); results equal serial ones. Workers are spawned, so, as with
    any ``multiprocessing`` use, the main script needs an ``if __name__ == "__main__"`` guard.
    If the pool breaks (a worker was killed), the clouds are laid out here instead.
    """
    maps = list(weight_maps)
    if parallel and len(maps) > 1 and _workers() > 1:
        try:
            return list(_pool().map(_layout_one, [(m, kwargs) for m in maps]))
        except BrokenProcessPool:
            _reset_pool()
    return [layout_words(m, **kwargs) for m in maps]


def warm_pool():
    """Start the layout workers now (they take about a second to import), so the first
    parallel ``layout_many`` call does not pay for it."""
    pool = _pool()
    list(pool.map(_layout_one, [({"warm": 1.0}, {})] * _workers()))


def _layout_one(args):
    weights, kwargs = args
    return layout_words(weights, **kwargs)


def layout_clusters(result, words, *, max_words=None, **kwargs):
    """One ``layout_words`` layout per word cluster of a ``CoClusters`` result.

    Each word's weight is its strength (mean response magnitude to the paired unit
    cluster, ``result.row_strength``), at least 1e-9 so that a cluster of zero strengths
    still has a layout.  ``words`` maps row index -> word string;
    ``max_words`` keeps only the strongest words of each cluster.  Other keyword
    arguments go to ``layout_words``.
    """
    maps = []
    for rows in result.word_clusters():
        if max_words is not None:
            rows = rows[:max_words]
        weights = {}
        for i in rows:
            word = str(words[i])
            weights[word] = max(weights.get(word, 1e-9), float(result.row_strength[i]))
        maps.append(weights)
    return layout_many(maps, **kwargs)
