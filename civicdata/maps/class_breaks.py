"""Class breaks for the workbook's maps: quantiles, equal intervals and natural breaks (Fisher-Jenks).

These are the breaks ``mapclassify`` computes (``Quantiles``, ``EqualInterval``, ``FisherJenks``), written
with numpy alone. Why not call mapclassify? Importing it loads scikit-learn and most of scipy, about 90 MB
in every kernel that draws a map (``benchmarks/README.md``), and the lessons after 08 only need these three
sums. ``tests/test_class_breaks.py`` checks that the breaks and the classes are exactly mapclassify's, on
every numeric column of the bundled places and on random data with many ties. Lesson 08, which teaches
classification, uses mapclassify itself.

Each function takes the values without missing ones and returns the upper bound of every class, lowest
first; a value ``x`` is in class ``i`` when ``bounds[i - 1] < x <= bounds[i]`` (:func:`class_of`).

Example:
    >>> quantile_breaks([1, 2, 3, 4], k=2).tolist()
    [2.5, 4.0]
    >>> equal_interval_breaks([0, 10], k=5).tolist()
    [2.0, 4.0, 6.0, 8.0, 10.0]
    >>> fisher_jenks_breaks([1, 2, 3, 10, 11, 12], k=2).tolist()
    [3.0, 12.0]
    >>> class_of([1, 2.5, 3, 4], [2.5, 4.0]).tolist()
    [0, 0, 1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _values(values: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype="float64").ravel()


def quantile_breaks(values: Sequence[float] | np.ndarray, k: int) -> np.ndarray:
    """Quantiles: about the same number of values in each class. Repeated breaks (ties) are merged.

    The percentiles 100/k, 200/k ... 100, each interpolated between the two nearest sorted values as
    ``scipy.stats.scoreatpercentile`` does (mapclassify's ``quantile``).

    >>> quantile_breaks([5, 5, 5, 5, 9], k=4).tolist()
    [5.0, 9.0]
    """
    ordered = np.sort(_values(values))
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    if percents[-1] > 100.0:
        percents[-1] = 100.0
    breaks = []
    for percent in percents:
        position = percent / 100.0 * (len(ordered) - 1)
        low = int(position)
        if low == position:
            breaks.append(ordered[low])
        else:  # weighted by the distance to each neighbor, as scipy does
            high = low + 1
            left, right = high - position, position - low
            breaks.append((ordered[low] * left + ordered[high] * right) / (left + right))
    return np.unique(np.array(breaks, dtype="float64"))


def equal_interval_breaks(values: Sequence[float] | np.ndarray, k: int) -> np.ndarray:
    """Equal intervals: ``k`` classes of the same width from the lowest value to the highest.

    >>> equal_interval_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], k=2).tolist()
    [5.5, 10.0]
    """
    array = _values(values)
    lowest, highest = array.min(), array.max()
    width = (highest - lowest) * 1.0 / k
    breaks = np.arange(lowest + width, highest + width, width)
    if len(breaks) > k:  # floating-point steps can overshoot by one
        breaks = breaks[:k]
    breaks[-1] = highest
    return breaks.copy()


def fisher_jenks_breaks(values: Sequence[float] | np.ndarray, k: int) -> np.ndarray:
    """Natural breaks (Fisher-Jenks): the ``k`` classes with the smallest sum of squared distances to
    their class means. Needs at least ``k`` different values.

    Fisher's (1958) dynamic program, in 32-bit floats as mapclassify computes it, so that near-ties are
    decided the same way: ``cost[n, j]`` is the least within-class variance of the ``n`` lowest values in
    ``j`` classes, ``start[n, j]`` where its last class starts (1-based). For each ``n`` the running sums
    over every possible last class are numpy arrays, so a county of 2,000 tracts takes a fraction of a
    second.

    >>> fisher_jenks_breaks([1, 1, 2, 8, 9, 20], k=3).tolist()
    [2.0, 9.0, 20.0]
    """
    ordered = np.sort(_values(values))
    count = len(ordered)
    start = np.zeros((count + 1, k + 1), dtype=np.int32)
    cost = np.zeros((count + 1, k + 1), dtype=np.float32)
    start[1, 1:] = 1
    cost[2:, 1:] = np.inf
    as32 = ordered.astype(np.float32)
    for n in range(2, count + 1):
        # The last class holds the values first .. n (1-based), first = n, n - 1, ..., 1: its size grows by one.
        tail = as32[:n][::-1]
        total = np.cumsum(tail, dtype=np.float32)
        squares = np.cumsum(tail * tail, dtype=np.float32)
        size = np.arange(1, n + 1, dtype=np.float32)
        variance = squares - (total * total) / size  # within the last class, for each possible first value
        first = n - np.arange(n)  # 1-based index of the last class's first value
        if k >= 2 and n >= 2:
            # The classes before it: the n' = first - 1 lowest values in j - 1 classes (n' >= 1).
            candidates = variance[:n - 1, None] + cost[first[:n - 1] - 1, 1:k]
            best = candidates.min(axis=0)
            # mapclassify keeps the last candidate that is <= the best so far: the last one equal to the minimum.
            last = (n - 2) - np.argmax((candidates == best)[::-1], axis=0)
            start[n, 2:] = first[last]
            cost[n, 2:] = best
        start[n, 1] = 1
        cost[n, 1] = variance[n - 1]
    breaks = np.zeros(k + 1, dtype="float64")
    breaks[k], breaks[0] = ordered[-1], ordered[0]
    n = count
    for j in range(k, 1, -1):
        first = int(start[n, j])
        breaks[j - 1] = ordered[first - 2]  # the highest value of the class before
        n = first - 1
    return breaks[1:]


def class_of(values: Sequence[float] | np.ndarray, breaks: Sequence[float] | np.ndarray) -> np.ndarray:
    """The class (0 = lowest) of each value: the first break that is at least the value.

    >>> class_of([0, 2, 2.1, 9], [2, 9]).tolist()
    [0, 0, 1, 1]
    """
    return np.searchsorted(np.asarray(breaks, dtype="float64"), _values(values), side="left").astype(int)
