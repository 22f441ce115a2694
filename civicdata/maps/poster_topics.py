"""The Data Walk stations: what each poster maps, how its number is computed (with its MOE), what to ask.

Add a station by adding a :class:`Topic` to :data:`TOPICS` (and its key to :data:`STANDARD_ORDER`): the
tables it needs, a ``compute`` function (:func:`_single` for one estimate, :func:`_share` for a percent
of a total, with the MOE from ``moe_sum`` and ``moe_prop``), a number format and three prompts.

Example:
    >>> sorted(TOPICS)[:3]
    ['foreign-born', 'income', 'no-computer']
    >>> default_topics("allegheny-pa")
    ['income', 'no-internet', 'no-computer']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from civicdata.core.errors import VariableNotFoundError
from civicdata.moe import formulas as moe_tools


@dataclass
class Topic:
    """One poster station: what to map, how to compute it, and what to ask."""

    key: str
    title: str
    description: str
    tables: tuple[str, ...]
    compute: Callable[[pd.DataFrame, bool], tuple[pd.Series, pd.Series | None]]
    fmt: str
    prompts: list[str] = field(default_factory=list)


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        raise VariableNotFoundError(f"The data have no column {name}.",
                                    hint="This topic needs a table the place does not have.")
    return pd.to_numeric(frame[name], errors="coerce").astype("float64")


def _single(code: str) -> Callable:
    def compute(frame: pd.DataFrame, has_moe: bool):
        return _col(frame, f"{code}E"), (_col(frame, f"{code}M") if has_moe else None)
    return compute


def _share(parts: list[str], total: str) -> Callable:
    """Percent of ``total`` made up by the sum of ``parts``, with its MOE (moe_sum, then moe_prop)."""
    def compute(frame: pd.DataFrame, has_moe: bool):
        num = sum(_col(frame, f"{p}E") for p in parts)
        den = _col(frame, f"{total}E")
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (num / den * 100).where(den > 0)
        if not has_moe:
            return share, None
        num_moe = (_col(frame, f"{parts[0]}M") if len(parts) == 1 else
                   pd.Series(moe_tools.moe_sum([_col(frame, f"{p}M") for p in parts],
                                               estimates=[_col(frame, f"{p}E") for p in parts]),
                             index=frame.index))
        share_moe = pd.Series(moe_tools.moe_prop(num, den, num_moe, _col(frame, f"{total}M")),
                              index=frame.index) * 100
        return share, share_moe.where(den > 0)
    return compute


_RENT_BURDEN = ["B25106_028", "B25106_032", "B25106_036", "B25106_040", "B25106_044"]

#: The standard stations. A place gets those whose tables it has (see :func:`default_topics`).
TOPICS: dict[str, Topic] = {t.key: t for t in [
    Topic("income", "Median household income",
          "Median household income in the past 12 months (inflation-adjusted dollars)",
          ("B19013",), _single("B19013_001"), "${:,.0f}",
          ["Where are incomes highest and lowest? What do you know about these places that the map "
           "cannot show?",
           "Find the hatched tracts. How sure can we be about them, and what would you check before "
           "acting on them?",
           "Where are the libraries compared with the lower-income tracts? Who might we miss?"]),
    Topic("no-vehicle", "Households with no vehicle", "Share of households with no vehicle available",
          ("B08201",), _share(["B08201_002"], "B08201_001"), "{:.1f}%",
          ["Where do many households live without a car? How do people there reach work, food, "
           "the doctor and the library?",
           "Does this pattern surprise you? What local knowledge explains it?",
           "What could the library do differently for patrons who do not drive?"]),
    Topic("poverty", "People below the poverty line",
          "Share of people whose income is below the poverty level (ratio under 1.00)",
          ("C17002",), _share(["C17002_002", "C17002_003"], "C17002_001"), "{:.1f}%",
          ["Where is poverty concentrated? Does it follow town lines or cross them?",
           "Which tracts are hatched? Would you make a decision from those estimates alone?",
           "Which services near these tracts help, and which are missing?"]),
    Topic("rent-burden", "Renters who are cost-burdened",
          "Share of renter households paying 30% or more of their income on housing",
          ("B25106",), _share(_RENT_BURDEN, "B25106_024"), "{:.1f}%",
          ["Where do renters struggle most with housing costs?",
           "How might high housing costs affect what people can spend on internet, books or transport?",
           "What questions would you ask residents of these tracts?"]),
    Topic("foreign-born", "Residents born abroad",
          "Share of residents born outside the U.S. (naturalized citizens and non-citizens)",
          ("B05001",), _share(["B05001_005", "B05001_006"], "B05001_001"), "{:.1f}%",
          ["Where do immigrant communities live? Which languages might the library need?",
           "Margins of error matter for small groups: which estimates here are the least reliable?",
           "Who from these communities could help us read this map?"]),
    Topic("no-internet", "Households with no internet",
          "Share of households with no internet access", ("B28002",),
          _share(["B28002_013"], "B28002_001"), "{:.1f}%",
          ["Where are households offline? How close are they to a library with public computers "
           "and Wi-Fi?",
           "What keeps people offline: cost, devices, skills or trust? How could we find out?",
           "Which partners could help close these gaps?"]),
    Topic("no-computer", "Households with no computer",
          "Share of households with no computer (no desktop, laptop, tablet or smartphone)", ("B28001",),
          _share(["B28001_011"], "B28001_001"), "{:.1f}%",
          ["Where do many households have no computer at all?",
           "Do these tracts match the map of households with no internet? What might explain differences?",
           "What could lending laptops or hotspots change here?"]),
]}

#: Replaces a prompt about hatching/reliability when a place has no margins of error.
NO_MOE_PROMPT = ("These data have no margins of error. What would you need to know before trusting "
                 "one tract's number?")


def prompts_for(topic: Topic, has_moe: bool) -> list[str]:
    """The topic's prompts; without MOEs, a prompt about reliability becomes :data:`NO_MOE_PROMPT`."""
    if has_moe:
        return topic.prompts[:3]
    return [NO_MOE_PROMPT if ("hatched" in p.lower() or "reliab" in p.lower() or "margins of error" in p.lower())
            else p for p in topic.prompts[:3]]


#: The order stations are offered in when a place has the tables.
STANDARD_ORDER = ["income", "no-vehicle", "poverty", "rent-burden", "foreign-born", "no-internet",
                  "no-computer"]


def _place_meta(slug: str) -> dict:
    from civicdata.data.places import load_place

    return load_place(slug).meta


def default_topics(place: str | None = None) -> list[str]:
    """The standard stations a place's bundled tables support, in order (at most 7)."""
    from civicdata.core import settings

    meta = _place_meta(place or settings.current_place())
    tables = set(meta.get("tables", []))
    return [key for key in STANDARD_ORDER if set(TOPICS[key].tables) <= tables][:7]
