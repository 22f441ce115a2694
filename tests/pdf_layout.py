"""Read a PDF page's layout back from the file: the size at which each piece of text is printed, and the
width of each placed image. Used by the poster tests (what a reader six feet away will see).

Text: pypdf's text extraction calls a visitor with the font size set by ``Tf`` and the current text and
transformation matrices; the size on paper is the font size times the vertical scale of ``tm x cm``.
Images: an image is drawn with ``Do`` after ``cm`` scaled it to its size on the page, so the width on
paper is the horizontal scale of the current transformation matrix at ``Do``.
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
