"""Multiple-choice interpretation questions (civicdata.classroom.questions) and check_choice/show_question.

Every option of every question gets its own feedback; exactly one option is right. The numbers in the
questions are re-derived here from the bundled files in another way (csv module, json), never typed in.
"""

from __future__ import annotations

import csv
import json
import math
import re

import pytest

import civicdata
from civicdata.classroom.questions import PERIODS_COUNTY, QUESTION_PLACE, QUESTIONS, make_question
from civicdata.classroom.self_check import check_choice, show_question
from civicdata.core import settings
from civicdata.core.errors import CivicDataError, UnknownExerciseError

TOPICS = {"geography", "acs", "downloads", "moe", "derived", "periods", "mapping", "discussing"}


def said(capsys, question_id, choice) -> str:
    check_choice(question_id, choice)
    return capsys.readouterr().out.strip()


def tract_rows() -> list[dict]:
    with open(settings.places_dir() / QUESTION_PLACE / "tracts.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def numbers_in(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*\.?\d*", text)]


@pytest.fixture(scope="module")
def questions():
    return {question_id: build() for question_id, build in QUESTIONS.items()}


def test_every_topic_has_a_question_and_ids_are_stable_words():
    assert {question_id.split("-")[0] for question_id in QUESTIONS} == TOPICS
    for question_id in QUESTIONS:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", question_id), question_id  # no lesson number to renumber


def test_helpers_are_on_the_learner_surface():
    assert civicdata.check_choice is check_choice
    assert civicdata.show_question is show_question


@pytest.mark.parametrize("question_id", sorted(QUESTIONS))
def test_one_right_option_and_feedback_for_every_option(capsys, questions, question_id):
    question = questions[question_id]
    assert len(question.options) >= 3 and set(question.options) == set(question.feedback)
    assert question.answer in question.options
    assert len(set(question.feedback.values())) == len(question.feedback)  # each option its own feedback
    assert " > " in question.section  # lesson title > section title
    for letter, feedback in question.feedback.items():
        assert not feedback[:1].islower() and feedback.endswith((".", ")")), (question_id, letter)
        text = said(capsys, question_id, letter)
        if letter == question.answer:
            assert text == f"Correct! {feedback}"
        else:
            assert text == f"Not quite: {feedback} Try another option."


@pytest.mark.parametrize("question_id", sorted(QUESTIONS))
def test_show_question_prints_every_option_and_how_to_answer(capsys, questions, question_id):
    show_question(question_id)
    shown = " ".join(capsys.readouterr().out.split())
    question = questions[question_id]
    assert " ".join(question.prompt.split()) in shown
    for letter, text in question.options.items():
        assert f"{letter}) {' '.join(text.split())}" in shown
    assert f'check_choice("{question_id}", "a")' in shown
    assert question.feedback[question.answer] not in shown  # the answer is not given away


def test_answers_are_forgiving_about_form(capsys, questions):
    right = questions["acs-variable-code"].answer
    for form in (right.upper(), f" {right} ", f"({right})", f"{right})"):
        assert said(capsys, "acs-variable-code", form).startswith("Correct!")
    assert said(capsys, "acs-variable-code", None).startswith("Not answered yet")
    assert said(capsys, "acs-variable-code", "").startswith("Not answered yet")  # the lessons' my_choice = ""
    assert said(capsys, "acs-variable-code", "  ").startswith("Not answered yet")
    assert said(capsys, "acs-variable-code", "z").startswith("Choose one of the letters")
    assert said(capsys, "acs-variable-code", 2).startswith("Choose one of the letters")


def test_unknown_question_is_a_clear_error():
    with pytest.raises(UnknownExerciseError, match="Known questions: .*moe-tracts-differ"):
        check_choice("moe-nope", "a")


def test_make_question_needs_exactly_one_right_option():
    with pytest.raises(CivicDataError, match="exactly one right option"):
        make_question("?", "A > B", ("x", "X.", True), ("y", "Y.", True))


# --- the numbers in the questions come from the data -----------------------------------------------------


def test_tracts_differ_pair_is_real_and_not_significant(questions):
    question = questions["moe-tracts-differ"]
    rows = {row["NAME"].split(";")[0]: row for row in tract_rows()}
    names = re.findall(r"Census Tract [\d.]+", question.prompt)
    a, b = (rows[name] for name in names[:2])
    ea, ma, eb, mb = (float(a["B08201_002E"]), float(a["B08201_002M"]), float(b["B08201_002E"]),
                      float(b["B08201_002M"]))
    assert ea == max(float(row["B08201_002E"]) for row in tract_rows())  # A: the most households without a car
    z = (ea - eb) / math.hypot(ma / 1.645, mb / 1.645)
    assert abs(z) < 1.645 and f"{z:.2f}" in question.feedback[question.answer]
    assert f"{ea:,.0f} ± {ma:,.0f}" in question.prompt and f"{eb:,.0f} ± {mb:,.0f}" in question.prompt


def test_low_reliability_tract_has_cv_above_40(questions):
    question = questions["moe-reliability"]
    name = re.match(r"(Census Tract [\d.]+)", question.prompt).group(1)
    row = next(r for r in tract_rows() if r["NAME"].startswith(name + ";"))
    estimate, moe = float(row["B08201_002E"]), float(row["B08201_002M"])
    cv = moe / 1.645 / estimate * 100
    assert cv > 40 and f"{cv:.0f}%" in question.prompt
    assert f"({max(estimate - moe, 0):,.0f} to {estimate + moe:,.0f})" in question.options[question.answer]


def test_geoid_change_uses_a_real_crosswalk_row(questions):
    question = questions["geography-geoid-change"]
    geojson = json.loads((settings.places_dir() / QUESTION_PLACE / "tracts.geojson").read_text(encoding="utf-8"))
    pairs = {f["properties"]["legacy_geoid"]: f["properties"]["GEOID"] for f in geojson["features"]}
    old, new = re.findall(r"\b09\d{9}\b", question.prompt)
    assert pairs[old] == new and old[5:] == new[5:] and old[2:5] != new[2:5]


def test_five_year_question_tract_sizes(questions):
    largest = max(float(row["B01003_001E"]) for row in tract_rows())
    assert f"{largest:,.0f} people" in questions["acs-five-year"].prompt
    assert largest < 65000  # why 1-year estimates cannot serve tracts


def test_period_question_matches_s2801_and_is_significant(questions):
    question = questions["periods-question-change"]
    values = []
    for year in (2017, 2022):
        path = settings.data_dir() / "digital-equity" / f"ACSST5Y{year}.S2801-Data.csv"
        with open(path, encoding="utf-8-sig", newline="") as handle:
            row = next(r for r in csv.DictReader(handle) if r["NAME"] == PERIODS_COUNTY)
        values.append((float(row["S2801_C02_019E"]), float(row["S2801_C02_019M"])))
    (old, old_moe), (new, new_moe) = values
    assert f"{old:.1f}% ± {old_moe:.1f} in 2013-2017" in question.prompt
    assert f"{new:.1f}% ± {new_moe:.1f} in 2018-2022" in question.prompt
    assert abs((old - new) / math.hypot(old_moe / 1.645, new_moe / 1.645)) > 1.645
    notes = (settings.data_dir() / "digital-equity" / "ACSST5Y2017.S2801-Table-Notes.txt").read_text(encoding="utf-8")
    assert "In 2016, changes were made to the computer and Internet use questions" in notes
    assert "2016" in question.options[question.answer]


def test_small_numbers_and_privacy_tracts_are_tiny(questions):
    households = [float(row["B08201_001E"]) for row in tract_rows() if float(row["B08201_001E"]) > 0]
    assert f"{min(households):,.0f} households" in questions["discussing-privacy"].prompt
    prompt = questions["discussing-small-numbers"].prompt
    assert "100%" in prompt and f"its {min(households):,.0f} households" in prompt


def test_mapping_questions_count_classes_and_hatching(questions):
    rows = [r for r in tract_rows() if float(r["B08201_001E"]) > 0]
    assert f"{len(rows)} tracts with households" in questions["mapping-classes"].prompt
    assert f"of {len(tract_rows())} tracts are hatched" in questions["mapping-unreliable"].prompt


def test_right_answers_are_not_always_the_same_letter(questions):
    assert len({question.answer for question in questions.values()}) >= 3  # no "always b" to guess


def test_missing_median_counts_the_bronx_symbols_and_residents(questions):
    folder = settings.data_dir() / "downloads" / "bronx-ny"

    def rows(table):
        path = next(folder.glob(f"*{table}-Data*.csv"))
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            next(reader)  # the second header row: labels
            return {row["GEO_ID"]: row for row in reader}

    income, people = rows("B19013"), rows("B01003")
    dash = [geo for geo, row in income.items() if row["B19013_001E"].strip() == "-"]
    residents = [int(people[geo]["B01003_001E"]) for geo in dash]
    lived_in = sum(1 for n in residents if n > 0)
    prompt = questions["downloads-missing-median"].prompt
    assert f"{len(dash)} tracts show the symbol -" in prompt
    assert f"{lived_in} of them have people living there: {sum(residents):,} people" in prompt
    assert 0 < lived_in < len(dash)  # both kinds exist, so "nobody lives there" is a real mistake


def test_published_moe_question_uses_the_regions_row_and_the_sum_rule(questions):
    question = questions["derived-published-moe"]
    rows = tract_rows()
    households = [float(r["B25003_001E"]) for r in rows]
    moes = [float(r["B25003_001M"]) for r in rows]
    # The sum formula, with the Census Bureau's rule for zero estimates: their largest MOE counts once.
    zero_moes = [m for e, m in zip(households, moes, strict=True) if e == 0]
    squares = sum(m * m for e, m in zip(households, moes, strict=True) if e != 0) + max(zero_moes, default=0) ** 2
    with open(settings.places_dir() / QUESTION_PLACE / "summary.csv", encoding="utf-8", newline="") as handle:
        region = next(r for r in csv.DictReader(handle) if r["geography"] == "county")
    assert sum(households) == float(region["B25003_001E"])
    assert f"add up to {sum(households):,.0f} households" in question.prompt
    assert f"± {math.sqrt(squares):,.0f};" in question.prompt
    assert f"publishes ± {float(region['B25003_001M']):,.0f} for the region" in question.prompt
    assert float(region["B25003_001M"]) < math.sqrt(squares)  # so "the larger one is safer" is tempting
    assert f"± {float(region['B25003_001M']):,.0f}" in question.options[question.answer]


def test_library_distance_question_names_the_farthest_of_the_carless_tracts(questions):
    import geopandas as gpd
    import pyproj

    question = questions["mapping-library-distance"]
    folder = settings.places_dir() / QUESTION_PLACE
    shapes = gpd.read_file(folder / "tracts.geojson")[["GEOID", "geometry"]]
    counts = {r["GEOID"]: r for r in tract_rows()}
    # Centroids computed in the place's UTM zone, distances measured on the ellipsoid (not in the projection).
    centers = shapes.to_crs(shapes.estimate_utm_crs()).centroid.to_crs(4326)
    with open(folder / "libraries.csv", encoding="utf-8", newline="") as handle:
        outlets = [(float(r["longitude"]), float(r["latitude"])) for r in csv.DictReader(handle)]
    geod = pyproj.Geod(ellps="WGS84")
    miles = {}
    for geoid, point in zip(shapes["GEOID"], centers, strict=True):
        meters = [geod.inv(point.x, point.y, lon, lat)[2] for lon, lat in outlets]
        miles[geoid] = min(meters) / 1609.344
    no_car = {geoid: float(row["B08201_002E"]) for geoid, row in counts.items()}
    cut = sorted(no_car.values())[int(0.75 * (len(no_car) - 1))]
    many = [g for g, n in no_car.items() if n >= cut]
    farthest = max(many, key=lambda g: (miles[g], g))
    row = counts[farthest]
    name = row["NAME"].split(";")[0]
    assert question.prompt.startswith(f"{name}: {float(row['B08201_002E']):,.0f} ± {float(row['B08201_002M']):,.0f}")
    stated = float(re.search(r"is ([\d.]+) miles long", question.prompt).group(1))
    assert abs(stated - miles[farthest]) <= 0.05 + 0.01 * miles[farthest]
