"""Multiple-choice questions that test interpretation: "Is the difference significant? What can we tell
a reader?"

Each question has a stable id (named after its topic, not a notebook number, so renumbering the lessons
never renames it). Its text and options are **computed from the bundled data** when it is asked, so every
number in it is real: the two tracts compared, their margins of error, the z-score, the class counts.
Every option has its own feedback: why it is right, or which mistake it stands for.

Learners see a question with :func:`civicdata.classroom.self_check.show_question` and answer it with
:func:`civicdata.classroom.self_check.check_choice` (both importable from ``civicdata``)::

    show_question("moe-tracts-differ")
    check_choice("moe-tracts-differ", "b")

Example:
    >>> question = QUESTIONS["acs-variable-code"]()
    >>> question.answer, question.options[question.answer]
    ('b', 'B25003_003M')

Adding a question: write a function that builds it with :func:`make_question` from the data, then add
one line to :data:`QUESTIONS`. Give exactly one right option, and feedback for every option.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicdata.classroom.exercises import s2801_percent_without_internet, tract_library_miles
from civicdata.core import settings
from civicdata.core.errors import CivicDataError, DataNotAvailableError
from civicdata.moe import formulas, reliability

#: The place the questions are about: the default place, whose tables come with margins of error.
QUESTION_PLACE = "ct-capitol-region"
#: The county whose internet subscriptions lesson 07's exercise compares over two periods (S2801).
PERIODS_COUNTY = "Philadelphia County, Pennsylvania"


@dataclass(frozen=True)
class Question:
    """A multiple-choice question: the question, its options (letter -> text), feedback for every option,
    the right letter, and the lesson section it belongs to."""

    prompt: str
    options: dict[str, str]
    feedback: dict[str, str]
    answer: str
    section: str


def make_question(prompt: str, section: str, *choices: tuple[str, str, bool]) -> Question:
    """Build a :class:`Question` from ``(option text, feedback, is_right)`` triples, lettered a, b, c...

    >>> q = make_question("2 + 2?", "Start here", ("4", "Right.", True), ("5", "Count again.", False))
    >>> q.answer, q.options
    ('a', {'a': '4', 'b': '5'})
    """
    letters = string.ascii_lowercase[:len(choices)]
    rights = [letter for letter, (_, _, right) in zip(letters, choices, strict=True) if right]
    if len(rights) != 1:
        raise CivicDataError(f"A question needs exactly one right option, not {len(rights)}: {prompt[:60]}",
                             hint="Mark one option as right (True) and the others as wrong (False).")
    return Question(prompt, {letter: text for letter, (text, _, _) in zip(letters, choices, strict=True)},
                    {letter: feedback for letter, (_, feedback, _) in zip(letters, choices, strict=True)},
                    rights[0], section)


# ---------------------------------------------------------------------------------------------------
# Readers of the bundled data
# ---------------------------------------------------------------------------------------------------


def _folder():
    return settings.places_dir() / QUESTION_PLACE


def _tracts() -> pd.DataFrame:
    return pd.read_csv(_folder() / "tracts.csv", dtype={"GEOID": str})


def _meta() -> dict:
    return json.loads((_folder() / "place.json").read_text(encoding="utf-8"))


def _short(name: str) -> str:
    """"Census Tract 5042; Capitol Planning Region; Connecticut" -> "Census Tract 5042"."""
    return str(name).split(";")[0].strip()


def _region_name() -> str:
    """"Greater Hartford", from the place name "Capitol Planning Region, CT (Greater Hartford)"."""
    name = _meta()["name"]
    return name[name.find("(") + 1:name.rfind(")")] if "(" in name else name


def _bronx(table: str) -> pd.DataFrame:
    """A raw data.census.gov download of the Bronx (lesson 04), as text, without its label row."""
    folder = settings.data_dir() / "downloads" / "bronx-ny"
    path = next(iter(sorted(folder.glob(f"*{table}-Data*.csv"))))
    return pd.read_csv(path, dtype=str, skiprows=[1], encoding="utf-8-sig", keep_default_na=False)


def _no_vehicle_shares() -> pd.DataFrame:
    """Tracts with households: the percent without a vehicle with its MOE (proportion formula) and CV."""
    tracts = _tracts()[["GEOID", "NAME", "B08201_001E", "B08201_001M", "B08201_002E", "B08201_002M"]]
    tracts = tracts[tracts["B08201_001E"] > 0].copy()
    num, den = tracts["B08201_002E"], tracts["B08201_001E"]
    tracts["share"] = num / den * 100
    tracts["share_moe"] = np.asarray(formulas.moe_prop(num, den, tracts["B08201_002M"], tracts["B08201_001M"])) * 100
    tracts["share_cv"] = np.asarray(reliability.cv(tracts["share"], tracts["share_moe"]), dtype=float)
    return tracts


# ---------------------------------------------------------------------------------------------------
# The questions, one builder each
# ---------------------------------------------------------------------------------------------------


def geoid_change() -> Question:
    """Census geography: what changed in a Connecticut tract's GEOID with the planning regions."""
    from civicdata.data.geography import list_counties

    geojson = json.loads((_folder() / "tracts.geojson").read_text(encoding="utf-8"))
    pairs = sorted((f["properties"]["GEOID"], f["properties"]["legacy_geoid"]) for f in geojson["features"])
    new, old = pairs[0]
    counties = list_counties("CT")
    n_old, n_new = int((counties["status"] == "former").sum()), int((counties["status"] == "current").sum())
    return make_question(
        f"In ACS tables from 2021 and earlier, a {_region_name()} tract has the GEOID {old}. In the "
        f"{_meta()['vintage']} ACS, the same tract has the GEOID {new}. What changed?",
        "Census geography > Geography changes: Connecticut's planning regions",
        ("The tract was redrawn, so it got a new tract code.",
         f"Look at the last six digits, the tract code: {old[5:]} in both. The tract kept its code; only "
         "the first five digits changed.", False),
        (f"Only the county part: Connecticut's {n_old} counties were replaced by {n_new} planning regions, "
         f"so the county code went from {old[2:5]} to {new[2:5]}.",
         f"The state code ({new[:2]}) and the tract code ({new[5:]}) stayed the same; the county part "
         f"changed from {old[2:5]} to {new[2:5]}. To match older tables, use a crosswalk such as the "
         "legacy_geoid column.", True),
        ("The state code changed.",
         f"Both GEOIDs start with {new[:2]}, Connecticut's state code. Compare the next three digits.", False),
        ("Nothing that matters: tables from both years still match on GEOID.",
         f"A join compares the whole GEOID as text: {old} and {new} are different, so no row would match. "
         "Join through a crosswalk such as the legacy_geoid column.", False),
    )


def tract_size() -> Question:
    """Census geography: what a tract is, checked against the place's real tract populations."""
    people = _tracts()["B01003_001E"]
    median, small, empty = int(people.median()), int((people < 1200).sum()), int((people == 0).sum())
    return make_question(
        f"{_region_name()} has {len(people)} census tracts. The middle (median) tract has {median:,} "
        f"people; {small} tracts have fewer than 1,200, and {empty} of those have no residents at all. "
        "What is a census tract?",
        "Census geography > A tract is not a neighborhood",
        ("A neighborhood: an area that residents know by name.",
         "A neighborhood is a place people name and feel part of, with fuzzy edges. A tract is drawn by the "
         "Census Bureau to hold a similar number of people; one neighborhood can be split across several "
         "tracts.", False),
        ("A ZIP code area.",
         "ZIP codes are mail delivery routes of the Postal Service, not census areas, and they do not "
         "follow tract lines.", False),
        ("A small, fairly permanent statistical area of a county, usually 1,200 to 8,000 people, kept "
         "stable so that places can be compared over time.",
         f"The size is a goal, not a law: here {small} tracts have fewer than 1,200 people, for "
         "example where hardly anyone lives. A percentage for such a tract means very little.", True),
        ("An area with exactly 4,000 people.",
         f"4,000 is the ideal size, not a rule: the tracts here range from {int(people.min()):,} to "
         f"{int(people.max()):,} people.", False),
    )


def five_year_estimates() -> Question:
    """Finding ACS data: why tract data come from 5-year estimates."""
    people = _tracts()["B01003_001E"]
    largest = int(people.max())
    return make_question(
        f"You want the share of households without an internet subscription in each of "
        f"{_region_name()}'s {len(people)} tracts. The largest tract has {largest:,} people. Which data "
        "can give you that?",
        "Finding ACS data > 1-year and 5-year estimates",
        ("The ACS 1-year estimates, because they are the most recent.",
         f"1-year estimates exist only for areas with 65,000 people or more; the largest tract here has "
         f"{largest:,}.", False),
        ("The 2020 census, because it counts everyone.",
         "The ten-year census asks only a few questions (age, sex, race, Hispanic origin, who lives in the "
         "home, owning or renting); it does not ask about the internet.", False),
        ("The county's ACS figure, divided among the tracts by their population.",
         "That would give every tract the county's share: it hides exactly the differences between tracts "
         "you are looking for.", False),
        ("The ACS 5-year estimates, for example the 2019-2023 release.",
         "5-year estimates pool five years of answers and exist for every tract. They describe the "
         "whole five-year period, not its middle year.", True),
    )


def variable_code() -> Question:
    """Finding ACS data: reading a variable code (table, line, E or M), with the labels of the bundled list."""
    variables = pd.read_csv(_folder() / "variables.csv")
    lines = variables[variables["name"].str.startswith("B25003_")].sort_values("name", kind="stable")
    labels = dict(zip(lines["name"], lines["label"], strict=True))
    renter = next(name for name, label in labels.items() if label.endswith("Renter occupied"))
    owner = next(name for name, label in labels.items() if label.endswith("Owner occupied"))
    total = next(name for name, label in labels.items() if label == "Total")
    listing = "; ".join(f"{name[-3:]} {label.split('!!')[-1]}" for name, label in labels.items())
    return make_question(
        f"Table B25003 (Tenure) has these lines: {listing}. Which column holds the margin of error of the "
        "number of renter households?",
        "Finding ACS data > Reading a variable code",
        (f"{renter}E", "E at the end means the estimate; the margin of error ends in M.", False),
        (f"{renter}M", f"Line {renter[-3:]} is renter occupied, and M is its margin of error.", True),
        (f"{total}M", f"Line {total[-3:]} is the total, all occupied homes; renters are line {renter[-3:]}.",
         False),
        (f"{owner}M", f"Line {owner[-3:]} is owner occupied; renters are line {renter[-3:]}.", False),
    )


def missing_median() -> Question:
    """Reading a download: what the symbol "-" means, in tracts where people do live (Bronx, B19013 and B01003)."""
    income, people = _bronx("B19013"), _bronx("B01003")
    both = income.merge(people[["GEO_ID", "B01003_001E"]], on="GEO_ID")
    dash = both[both["B19013_001E"].str.strip() == "-"]
    residents = pd.to_numeric(dash["B01003_001E"])
    lived_in, total = int((residents > 0).sum()), int(residents.sum())
    return make_question(
        f"In the Bronx download, {len(dash)} tracts show the symbol - instead of a median household income. "
        f"{lived_in} of them have people living there: {total:,} people in all, says the population "
        "download (B01003). What does the - mean, and what should a table for readers show for these tracts?",
        "Reading a Census download > Reading a data.census.gov download by hand",
        ("Their median income is $0: show $0.",
         "A symbol is not a number: - means no estimate could be computed. Shown as $0, these tracts "
         "would look like the poorest in the Bronx, and pull down any average.", False),
        ("Nobody lives there: leave them out of the table without a word.",
         f"{lived_in} of the {len(dash)} tracts have residents ({total:,} people). Leaving them out silently "
         "hides real places from readers.", False),
        ("The income was kept secret to protect people's privacy: estimate it from the neighboring "
         "tracts.",
         "The Table-Notes file that comes with every download says what - means: too few sample "
         "observations to compute the estimate. Filling the gap from neighbors would invent a number the "
         "survey does not have.", False),
        ("There were too few survey answers to compute an estimate: show \"no estimate\" and say why.",
         "A gap is not a zero and not a secret: the survey had too few answers there to compute a median. "
         "Keep the tracts in the table, marked \"no estimate\", with a note that says why.", True),
    )


def tracts_differ() -> Question:
    """Margins of error: is tract A's count really different from tract B's?

    A is the tract with the most households without a vehicle; B is the next one down the ranking whose
    difference from A is *not* significant (so the right answer is fixed by how the pair is chosen).
    """
    tracts = _tracts().sort_values(["B08201_002E", "GEOID"], ascending=[False, True], kind="stable")
    tracts = tracts.reset_index(drop=True)
    a = tracts.iloc[0]
    for _, b in tracts.iloc[1:].iterrows():
        z = float(reliability.z_score(a["B08201_002E"], b["B08201_002E"], a["B08201_002M"], b["B08201_002M"]))
        if abs(z) < 1.645 and a["B08201_002E"] > b["B08201_002E"]:
            break
    else:
        raise DataNotAvailableError("No pair of tracts fits the question.", hint="Check the bundled data.")
    gap = int(a["B08201_002E"] - b["B08201_002E"])
    name_a, name_b = _short(a["NAME"]), _short(b["NAME"])
    return make_question(
        f"Households without a vehicle ({_meta()['vintage']} ACS): {name_a}: {int(a['B08201_002E']):,} ± "
        f"{int(a['B08201_002M']):,}; {name_b}: {int(b['B08201_002E']):,} ± {int(b['B08201_002M']):,}. "
        "Is the difference significant? What can we tell a reader?",
        "Margins of error > Is tract A really different from tract B?",
        (f"Yes: {name_a} has {gap:,} more, so it has more households without a vehicle.",
         f"A gap of {gap:,} is within what sampling error can explain: z = {z:.2f}, and a difference is "
         "significant only when z is above 1.645 (or below -1.645).", False),
        ("No: so the two tracts have exactly the same number.",
         "\"Not significant\" does not mean equal. It means this survey cannot tell them apart; the true "
         "numbers may well differ.", False),
        ("No: the survey cannot tell them apart, so we say the two tracts have about the same number.",
         f"With z = (A - B) / square root(SE of A squared + SE of B squared) = {z:.2f}, below 1.645, the "
         "difference is not significant. "
         "On a poster, write \"about the same as\", not \"more than\".", True),
        ("We cannot say anything without the exact count from the ten-year census.",
         "The two margins of error are all a significance test needs (and the ten-year census does not "
         "ask about vehicles).", False),
    )


def low_reliability() -> Question:
    """Margins of error: how to show a count whose CV is above 40% (the largest such count)."""
    tracts = _tracts()[["GEOID", "NAME", "B08201_002E", "B08201_002M"]].copy()
    tracts["cv"] = np.asarray(reliability.cv(tracts["B08201_002E"], tracts["B08201_002M"]), dtype=float)
    low = tracts[(tracts["cv"] > 40) & (tracts["B08201_002E"] > 0)]
    row = low.sort_values(["B08201_002E", "GEOID"], ascending=[False, True], kind="stable").iloc[0]
    estimate, moe, cv = int(row["B08201_002E"]), int(row["B08201_002M"]), float(row["cv"])
    low_end, high_end = max(estimate - moe, 0), estimate + moe
    return make_question(
        f"{_short(row['NAME'])}: {estimate:,} ± {moe:,} households without a vehicle. Its standard error "
        f"is {moe / 1.645:.0f} (MOE / 1.645) and its coefficient of variation (CV) is {cv:.0f}%. How should "
        "a poster show this number?",
        "Margins of error > Standard error, coefficient of variation, reliability",
        (f"With its range ({low_end:,} to {high_end:,}) and a plain warning that the estimate is very "
         "uncertain (its margin of error is large next to it).",
         "A CV above 40% means low reliability. Show the range, mark the tract (hatching on a map), "
         "or combine it with neighboring tracts.", True),
        ("Like every other number: it is the official Census Bureau estimate.",
         f"It is official, but very uncertain: with a CV of {cv:.0f}% (above 40%), the true number could be "
         f"anywhere from {low_end:,} to {high_end:,} (90% confidence).", False),
        ("Leave the tract off the poster, without saying why.",
         "Leaving it out silently hides a real place from the conversation. Show it, marked as very "
         "uncertain, or combine it with neighboring tracts.", False),
        (f"Say that the estimate is {cv:.0f}% too high.",
         "The CV measures how uncertain an estimate is, not which way it is off: the true number may be "
         "higher or lower.", False),
    )


def published_moe() -> Question:
    """Derived estimates: the sum formula against the published margin of error, for all households."""
    tracts = _tracts()
    summary = pd.read_csv(_folder() / "summary.csv", dtype={"GEOID": str})
    region = summary[summary["geography"] == "county"].iloc[0]
    total = int(tracts["B25003_001E"].sum())
    if total != int(region["B25003_001E"]):
        raise DataNotAvailableError("The tracts' households do not add up to the region's.",
                                    hint="Check the bundled data (data/README.md).")
    from_tracts = round(float(formulas.moe_sum(tracts["B25003_001M"], tracts["B25003_001E"])))
    published = int(region["B25003_001M"])
    return make_question(
        f"{_region_name()}'s {len(tracts)} tracts add up to {total:,} households, exactly the published "
        f"figure for the whole region. The sum formula (moe_sum) turns the tracts' margins of error into "
        f"± {from_tracts:,}; the Census Bureau publishes ± {published:,} for the region. Which margin of "
        "error do you give a reader?",
        "Derived estimates: shares, sums and rankings > Adding up tracts versus the published total",
        (f"± {from_tracts:,}: it is the larger one, so it is the safer choice.",
         "The formula ignores covariance (the tracts' sampling errors partly cancel), so it is only an "
         "approximation: larger here, smaller for other numbers. It is not \"safe\", just rough.", False),
        (f"± {published:,}, the published one: the Census Bureau computed it from the survey data itself.",
         "Use a published margin of error whenever one exists; the formulas are for numbers you derive "
         "yourself, such as a neighborhood made of several tracts.", True),
        ("None: the tracts add up exactly to the published count, so the total is certain.",
         "Tract estimates are built to add up, but the total is still an estimate from a sample. Only "
         "controlled figures, such as total population, have no margin of error.", False),
        (f"The average of the two, ± {round((from_tracts + published) / 2):,}.",
         "Mixing the published figure with a rough approximation only makes it worse. Give the published "
         "margin of error.", False),
    )


def overlapping_periods() -> Question:
    """Comparing periods: why 5-year periods must not overlap."""
    return make_question(
        "The workbook compares the 2013-2017 and 2018-2022 ACS 5-year estimates of internet subscriptions. "
        "Why not 2014-2018 and 2018-2022, which would be more recent?",
        "Comparing places and periods: home internet > Comparing two periods: only when they do not overlap",
        ("They share the year 2018: part of their answers is the same, which blurs the change.",
         "Compare 5-year estimates only for periods that do not overlap, and only for the same area.",
         True),
        ("The 2014-2018 estimates are not published.",
         "They are: every year brings a new 5-year release. The trouble is the shared year.", False),
        ("Older estimates are always more reliable.",
         "Reliability depends on how many households answered, not on the age of the data.", False),
        ("5-year estimates can never be compared.",
         "They can, when the periods do not overlap and the area is the same in both.", False),
    )


def question_change() -> Question:
    """Comparing periods: a significant change across the 2016 change of the internet questions."""
    (old, old_moe), (new, new_moe) = s2801_percent_without_internet(PERIODS_COUNTY)
    z = float(reliability.z_score(old, new, old_moe, new_moe))
    change_moe = float(formulas.moe_sum([old_moe, new_moe]))
    county = PERIODS_COUNTY.replace(", Pennsylvania", ", PA")
    return make_question(
        f"{county}: households without an internet subscription, {old:.1f}% ± {old_moe:.1f} in 2013-2017 "
        f"and {new:.1f}% ± {new_moe:.1f} in 2018-2022 (z = {z:.1f}). What can we tell a reader?",
        "Comparing places and periods: home internet > The whole state, in both periods",
        (f"The share fell by {old - new:.1f} points, a significant change; the Census Bureau changed the "
         "computer and internet questions in 2016, so part of the change may come from the new questions, "
         "and we say so.",
         "The periods do not overlap and the change is far larger than its margin of error, but the "
         "2016 change in the questions' wording and answer choices means the two periods did not ask "
         "exactly the same thing (the S2801 table notes say so).", True),
        ("Nothing: the two periods overlap.",
         "2013-2017 and 2018-2022 share no year, so they can be compared.", False),
        ("The change is not significant, because both estimates have margins of error.",
         f"With z = {z:.1f}, far beyond 1.645, the change is significant. Margins of error do not rule a "
         "comparison out; the test is made from them.", False),
        (f"The share fell by exactly {old - new:.1f} points, all of it because more households got "
         "internet at home.",
         f"The change has its own margin of error (± {change_moe:.1f} points), and the 2016 change in the "
         "questions may explain part of it.", False),
    )


def classification_story() -> Question:
    """Mapping: three classification schemes, three stories, from the real class counts."""
    import warnings

    import mapclassify

    values = _no_vehicle_shares()["share"].dropna()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")  # an optional speed-up
        schemes = {"quantiles": mapclassify.Quantiles(values, k=5), "natural": mapclassify.FisherJenks(values, k=5),
                   "equal": mapclassify.EqualInterval(values, k=5)}
    dark = {name: int(scheme.counts[-1]) for name, scheme in schemes.items()}
    light = int(schemes["equal"].counts[0])
    return make_question(
        f"The share of households with no vehicle in {_region_name()}'s {len(values)} tracts with households, "
        f"in 5 classes. The darkest class holds {dark['quantiles']} tracts with quantiles, {dark['natural']} "
        f"with natural breaks and {dark['equal']} with equal interval; equal interval puts {light} tracts in "
        "the lightest class. Which map is right?",
        "Mapping tracts > 3. Classification schemes: the same numbers, three stories",
        ("Quantiles: every class has the same number of tracts, so it is the fairest.",
         "Quantiles are good for ranking, but they put tracts with almost equal values in different colors "
         "and make a fifth of the region look \"high\" whatever the data.", False),
        ("Equal interval: its classes are all the same width, so it cannot mislead.",
         f"With skewed data almost every tract lands in the lightest class ({light} of {len(values)} here), "
         "which hides the differences among them.", False),
        ("All three are right: the classification changes the story, so choose the one that fits your "
         "question and name it in the legend or caption.",
         "None of them is wrong, and each tells a different story. Say which scheme you used.", True),
        ("None of them: a map should never group values into classes.",
         "An unclassed map (a smooth color ramp) is possible, but a few extreme tracts then use up the dark "
         "colors. Any choice is fine if you name it.", False),
    )


def unreliable_tracts() -> Question:
    """Mapping: what hatching of unreliable tracts tells a reader (the real number of hatched tracts)."""
    shares = _no_vehicle_shares()
    hatched = int((shares["share_cv"] > 40).sum())
    return make_question(
        f"On the map of households with no vehicle, {hatched} of {len(_tracts())} tracts are hatched "
        "(covered in diagonal lines). A reader asks what the hatching means.",
        "Mapping tracts > 4. Marking unreliable tracts",
        ("Those tracts have the highest shares.",
         "The color shows the value; the hatching is about how sure we can be, and hatched tracts are often "
         "light ones.", False),
        ("The estimate there is very uncertain (its margin of error is large next to it): do not read much "
         "into the tract's color.",
         "Hatched tracts have a coefficient of variation above 40%, low reliability.", True),
        ("There are no data for those tracts.",
         "Tracts with no estimate are gray. Hatched tracts have an estimate, just a very uncertain one.",
         False),
        ("The Census Bureau made mistakes in those tracts.",
         "The margin of error measures sampling error: another sample would have given another number. It "
         "is not a mistake.", False),
    )


def library_distance() -> Question:
    """Libraries on the map: what a straight-line distance from a tract's center can tell a reader.

    The tract is the first of lesson 09's list: among the quarter of tracts with the most households without
    a vehicle, the one farthest from a library outlet (ties by GEOID).
    """
    miles = tract_library_miles(slug=QUESTION_PLACE)
    many = miles[miles["B08201_002E"] >= miles["B08201_002E"].quantile(0.75)]
    far = many.sort_values(["miles", "GEOID"], ascending=[False, True], kind="stable").iloc[0]
    row = _tracts().set_index("GEOID").loc[far["GEOID"]]
    estimate, moe = int(row["B08201_002E"]), int(row["B08201_002M"])
    label = reliability.reliability(float(reliability.cv(estimate, moe)))
    name = _short(row["NAME"])
    distance = f"{far['miles']:.1f}"
    return make_question(
        f"{name}: {estimate:,} ± {moe:,} households without a vehicle ({label} reliability). A straight line "
        f"from the tract's center to the nearest library outlet is {distance} miles long. A board member "
        f"wants to write: \"{estimate:,} households without a car live {distance} miles from a library.\" "
        "What do you tell them?",
        "Libraries on the map > 2. A question libraries care about",
        ("The distance is wrong: it was measured in degrees, and degrees are not miles.",
         "The lesson measured in a UTM zone, whose unit is the meter (the unit check said so), then divided "
         "by 1,609.344 meters per mile. The number is a fair straight-line distance.", False),
        ("Nothing: straight-line distances are useless, so leave the list out of the report.",
         "They are rough, not useless: a list like this is a good start for a conversation about a bookmobile "
         "stop, a pop-up library or a bus route.", False),
        ("It is a fair sentence: the tract's households all live that far from a library.",
         f"The distance runs from the tract's center: some households live closer, some farther, and the trip "
         f"on foot or by bus is longer than a straight line. The count itself is uncertain (± {moe:,}).",
         False),
        (f"Say \"about {estimate:,} households (± {moe:,}) without a car, in a tract whose center is "
         f"{distance} miles from a library as the crow flies\", and use it to start a conversation, not "
         "to settle one.",
         "The distance is a straight line from the tract's center, not a trip, and the count has its margin "
         "of error. Said that way, the number is honest and still useful.", True),
    )


def small_numbers() -> Question:
    """Discussing data: small numbers and stigma, with the tract at the top of the no-vehicle ranking."""
    shares = _no_vehicle_shares().sort_values(["share", "B08201_001E", "GEOID"], ascending=[False, True, True],
                                              kind="stable")
    top = shares.iloc[0]
    low, high = max(top["share"] - top["share_moe"], 0), min(top["share"] + top["share_moe"], 100)
    households, name = int(top["B08201_001E"]), _short(top["NAME"])
    return make_question(
        f"At the top of the ranking of households without a vehicle is {name}: {top['share']:.0f}% of its "
        f"{households} households, ± {top['share_moe']:.0f} points (90% range {low:.0f}% to {high:.0f}%). "
        f"A volunteer wants the poster to say \"{name}: the worst tract in the region\". What do you do?",
        "Discussing the data > 5. Data ethics: four questions to ask before you hang a poster",
        ("Print it: it is the top of the ranking.",
         f"With only {households} households the estimate is very uncertain (its range runs from {low:.0f}% "
         f"to {high:.0f}%); it cannot be ranked with any confidence.", False),
        ("Keep the headline but leave out the margin of error, so that the poster stays simple.",
         "Leaving out the margin of error makes a very uncertain number look certain, and the headline "
         "still labels the people who live there.", False),
        ("Explain that the number rests on very few households and cannot be ranked, drop the word "
         "\"worst\", and show the tract's range next to the assets nearby (libraries, groups, services).",
         "Small numbers are very uncertain, and a word like \"worst\" can become a label for the "
         "people who live there. Put needs next to assets.", True),
        ("Find out who these households are and put their street on the poster, so people can help.",
         "Never add names, addresses or anything else that identifies people to a poster or to the notes.",
         False),
    )


def privacy() -> Question:
    """Discussing data: what goes into the notes, in a tract with very few households."""
    tracts = _tracts()
    tracts = tracts[tracts["B08201_001E"] > 0].sort_values(["B08201_001E", "GEOID"], kind="stable")
    row = tracts.iloc[0]
    households = int(row["B08201_001E"])
    return make_question(
        f"{_short(row['NAME'])} has {households} households. At a Data Walk station, a resident says: \"I "
        "live there; my family has no car and no internet.\" What goes into the notes table?",
        "Discussing the data > 6. Recording what was said",
        ("Her words with her name and street, so that someone can follow up.",
         f"Names and addresses never go into the notes or onto a poster. In a tract of {households} "
         "households, even a street name can identify her.", False),
        ("Nothing: personal stories do not belong in Data Walk notes.",
         "What people say is the point of a Data Walk: record their words, just not who said them.", False),
        ("Her words, and a photo of her at the poster for the report.",
         "Do not photograph participants without asking; a photo identifies her just as a name does.",
         False),
        ("What she said, without her name or anything that identifies her: \"A resident said her family has "
         "no car and no internet.\"",
         "Write down people's words, not who they are. Census data are published as totals so that "
         "no one can be picked out; keep the notes that way too.", True),
    )


#: Every question: stable id -> the function that builds it from the data.
QUESTIONS: dict[str, Callable[[], Question]] = {
    "geography-geoid-change": geoid_change,
    "geography-tract-size": tract_size,
    "acs-five-year": five_year_estimates,
    "acs-variable-code": variable_code,
    "downloads-missing-median": missing_median,
    "moe-tracts-differ": tracts_differ,
    "moe-reliability": low_reliability,
    "derived-published-moe": published_moe,
    "periods-overlap": overlapping_periods,
    "periods-question-change": question_change,
    "mapping-classes": classification_story,
    "mapping-unreliable": unreliable_tracts,
    "mapping-library-distance": library_distance,
    "discussing-small-numbers": small_numbers,
    "discussing-privacy": privacy,
}
