"""Sort estimates into a few map classes and color them: the classification both map kinds share.

Classes are mapclassify's quantiles, natural breaks (Fisher-Jenks) or equal intervals, computed by
:mod:`civicdata.maps.class_breaks` (the same breaks without loading scikit-learn); the palette is
**viridis** (matplotlib's, light yellow for low values to dark purple for high ones): readable with the
common kinds of color blindness and still ordered when printed in gray.

Example:
    >>> classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], scheme="equal_interval", k=2).labels
    ['1 – 5.5', '5.5 – 10']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicdata.core.errors import MapError

#: The palette's name, for captions and documentation.
PALETTE_NAME = "viridis (matplotlib), light = low, dark = high"
#: The three classification schemes a learner can pick.
SCHEMES = ("quantiles", "natural_breaks", "equal_interval")


def palette(k: int) -> list[str]:
    """``k`` colors from viridis, light (low values) to dark (high values), as hex strings.

    >>> palette(3)
    ['#fde725', '#21908d', '#440154']
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["viridis_r"]
    if k == 1:
        return [to_hex(cmap(0.5))]
    return [to_hex(cmap(i / (k - 1))) for i in range(k)]


@dataclass
class Classification:
    """Which class each value falls in (``-1`` = missing), the class bounds and legend labels."""

    scheme: str
    classes: np.ndarray
    bounds: list[tuple[float, float]]
    labels: list[str]
    colors: list[str]
    counts: list[int]

    @property
    def k(self) -> int:
        return len(self.bounds)


def _number(x: float) -> str:
    """A short number for legend labels: thousands separators, no needless decimals."""
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.{1 if abs(x) >= 10 else 2}f}".rstrip("0").rstrip(".")


def classify(values: Sequence[float] | pd.Series, scheme: str = "quantiles", k: int = 5,
             fmt: Callable[[float], str] | None = None) -> Classification:
    """Sort ``values`` into ``k`` classes (mapclassify's breaks, :mod:`civicdata.maps.class_breaks`);
    missing values get class ``-1``.

    ``scheme`` is "quantiles" (the same number of tracts in each class), "natural_breaks"
    (Fisher-Jenks: classes that group similar values; deterministic, unlike k-means "NaturalBreaks")
    or "equal_interval" (classes of equal width). Fewer distinct values than ``k`` means fewer classes.

    >>> c = classify([1, 2, 3, 4, None], scheme="quantiles", k=2)
    >>> c.classes.tolist(), c.counts
    ([0, 0, 1, 1, -1], [2, 2])
    """
    from civicdata.maps.class_breaks import class_of, equal_interval_breaks, fisher_jenks_breaks, quantile_breaks

    if scheme not in SCHEMES:
        raise MapError(f"Unknown classification scheme {scheme!r}.", hint=f"Use one of {', '.join(SCHEMES)}.")
    fmt = fmt or _number
    array = pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").to_numpy(dtype="float64")
    ok = ~np.isnan(array)
    classes = np.full(array.shape, -1, dtype=int)
    if not ok.any():
        return Classification(scheme, classes, [], [], [], [])
    y = array[ok]
    k = max(1, min(int(k), len(np.unique(y))))
    if k == 1:
        bins = np.array([y.max()])
        yb = np.zeros(len(y), dtype=int)
    else:
        breaks = {"quantiles": quantile_breaks, "natural_breaks": fisher_jenks_breaks,
                  "equal_interval": equal_interval_breaks}[scheme]
        bins = breaks(y, k)
        yb = class_of(y, bins)
    classes[ok] = yb
    lows = [float(y.min())] + [float(b) for b in bins[:-1]]
    bounds = [(lo, float(hi)) for lo, hi in zip(lows, bins, strict=True)]
    labels = [f"{fmt(lo)} – {fmt(hi)}" for lo, hi in bounds]
    counts = [int((yb == i).sum()) for i in range(len(bounds))]
    return Classification(scheme, classes, bounds, labels, palette(len(bounds)), counts)

