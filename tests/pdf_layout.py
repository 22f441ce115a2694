"""Read a PDF page's layout back from the file: the size at which each piece of text is printed, the
width of each placed image, and where the vector drawing of a map lies. Used by the poster tests (what a
reader six feet away will see).

Text: pypdf's text extraction calls a visitor with the font size set by ``Tf`` and the current text and
transformation matrices; the size on paper is the font size times the vertical scale of ``tm x cm``.
Images: an image is drawn with ``Do`` after ``cm`` scaled it to its size on the page, so the width on
paper is the horizontal scale of the current transformation matrix at ``Do``.
Vector maps: matplotlib clips what it draws inside axes (a map's tracts) to the axes' rectangle
(``re W n``) and clips nothing else on a poster (titles, legend, notes), so the filled paths drawn under a
clip are the map; their points, through the current transformation matrix, give its extent on paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class TextRun:
    text: str
    size_pt: float
    x_pt: float
    y_pt: float


def _multiply(a, b):
    """The product of two PDF matrices [a b c d e f] (a applied first, then b)."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def text_runs(page) -> list[TextRun]:
    """Every non-blank piece of text on ``page`` with its printed size in points and its position."""
    runs: list[TextRun] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        m = _multiply(tm, cm)
        scale = math.hypot(m[2], m[3])  # the vertical axis of the text space, on the page
        runs.append(TextRun(text.strip(), round(font_size * scale, 2), round(m[4], 1), round(m[5], 1)))

    page.extract_text(visitor_text=visit)
    return runs


def image_widths_pt(page) -> list[float]:
    """The width on paper (points) of every image drawn on ``page``."""
    widths: list[float] = []

    def visit(operator, operands, cm, tm):
        if operator == b"Do":
            name = operands[0]
            xobjects = page["/Resources"].get("/XObject", {})
            if name in xobjects and xobjects[name].get_object().get("/Subtype") == "/Image":
                widths.append(math.hypot(cm[0], cm[1]))

    page.extract_text(visitor_operand_before=visit)
    return widths


_PATH_POINTS = {b"m": 2, b"l": 2, b"c": 6, b"v": 4, b"y": 4}
_FILLS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_PAINTS = _FILLS | {b"S", b"s", b"n"}


def clipped_fill_extent_pt(page) -> tuple[float, float, float, float] | None:
    """The bounding box (x0, y0, x1, y1, in points from the lower left corner) of every filled path drawn
    under a clipping path on ``page``: on a poster, the tracts of its map. None when there are none."""
    from pypdf.generic import ContentStream

    ctm, clipped, stack = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], False, []
    points: list[tuple[float, float]] = []
    clip_next = False
    xs: list[float] = []
    ys: list[float] = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            stack.append((ctm, clipped))
        elif operator == b"Q":
            ctm, clipped = stack.pop()
        elif operator == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif operator in _PATH_POINTS:
            values = [float(v) for v in operands]
            points.extend(zip(values[0::2], values[1::2], strict=True))
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            points.extend([(x, y), (x + w, y + h)])
        elif operator in (b"W", b"W*"):
            clip_next = True
        elif operator in _PAINTS:
            if operator in _FILLS and clipped:
                for x, y in points:
                    xs.append(ctm[0] * x + ctm[2] * y + ctm[4])
                    ys.append(ctm[1] * x + ctm[3] * y + ctm[5])
            clipped = clipped or clip_next
            clip_next, points = False, []
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
