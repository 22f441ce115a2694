"""Self-checks of the notebook exercises (civicdata.classroom) and the never-overwrite saver (civicdata.core.files).

Expected answers are re-derived here from the bundled data files in a second, independent way
(another file, or another reading of the same file), never typed in. Every exercise recognizes at least
two plausible wrong answers, each with a hint that names the mistake; the tests below show, exercise by
exercise, the right answer accepted and each wrong one rejected with its own hint. The file-based
exercises (06 poster set, 07 profile) are in tests/test_exercise_files.py.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from civicdata.classroom.exercises import EXERCISES, GEOID_TO_DECODE, MOE_PLACE, WORKSHEET_COLUMNS
from civicdata.classroom.self_check import check_answer, is_correct
from civicdata.core import settings
from civicdata.core.errors import UnknownExerciseError
from civicdata.core.files import save_new_csv

CORRECT = "Correct! Well done."


def verdict(capsys, exercise_id, answer) -> str:
    check_answer(exercise_id, answer)
    return capsys.readouterr().out.strip()


def place_dir(slug=None):
    return settings.places_dir() / (slug or settings.current_place())


def tract_column(name: str) -> list[float]:
    """A column of the current place's tracts.csv read with the csv module (not pandas)."""
    with open(place_dir() / "tracts.csv", encoding="utf-8", newline="") as handle:
        return [float(row[name]) for row in csv.DictReader(handle) if row[name] != ""]


def region_value(name: str) -> float:
    """The published value for the whole place (the "county" row of summary.csv)."""
    summary = pd.read_csv(place_dir() / "summary.csv", dtype={"GEOID": str})
    return float(summary.loc[summary["geography"] == "county", name].iloc[0])


# --- the expected answers agree with an independent reading of the data -------------------------------


def test_total_population_equals_published_region_total():
    expected = EXERCISES["00-total-population"].expected()
    assert expected == sum(tract_column("B01003_001E"))
    assert expected == region_value("B01003_001E")  # a controlled total: tracts add up exactly


def test_renters_match_tract_sum_and_share_formula():
    renters = EXERCISES["03-renters"].expected()
    assert renters == sum(tract_column("B25003_003E"))
    share = EXERCISES["03-renter-share"].expected()
    assert share == pytest.approx(renters / sum(tract_column("B25003_001E")) * 100)
    assert 0 < share < 100


def test_allegheny_tract_count_matches_its_boundaries():
    geojson = json.loads((place_dir("allegheny-pa") / "tracts.geojson").read_text(encoding="utf-8"))
    geoids = {feature["properties"]["GEOID"] for feature in geojson["features"]}
    assert EXERCISES["00-allegheny-tracts"].expected() == len(geoids)
    assert all(g.startswith("42003") and len(g) == 11 for g in geoids)


def test_geoid_to_decode_is_real_and_splits_2_3_6():
    state, county, tract = EXERCISES["02-decode-geoid"].expected()
    assert (len(state), len(county), len(tract)) == (2, 3, 6)
    assert state + county + tract == GEOID_TO_DECODE
    place = json.loads((place_dir("allegheny-pa") / "place.json").read_text(encoding="utf-8"))
    assert (state, county) == (place["state_fips"], place["county_fips"])


def test_bronx_symbol_count_read_with_csv_module():
    folder = settings.data_dir() / "downloads" / "bronx-ny"
    path = next(folder.glob("*B19013-Data*.csv"))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("B19013_001E")
    dashes = sum(1 for row in rows[2:] if row[column] == "-")
    assert EXERCISES["04-bronx-no-income"].expected() == dashes > 0


def test_sdc_labor_answer_comes_from_the_verified_file():
    accepted = EXERCISES["01-sdc-labor"].expected()
    with open(settings.data_dir() / "reference" / "state_data_centers_verified.csv", encoding="utf-8") as handle:
        labor = [r["state_abbr"] for r in csv.DictReader(handle) if "Labor" in r["host_organization"]]
    assert len(labor) == 1 and labor[0] in accepted


# --- verdicts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", sorted(k for k, v in EXERCISES.items() if v.expected))
def test_expected_answer_is_correct_and_never_printed(capsys, exercise_id):
    expected = EXERCISES[exercise_id].expected()
    answer = next(iter(sorted(expected))) if isinstance(expected, set) else expected
    assert verdict(capsys, exercise_id, answer) == CORRECT
    assert is_correct(exercise_id, answer)
    wrong = verdict(capsys, exercise_id, "certainly not this")
    assert wrong.startswith("Not yet: ")
    for value in expected if isinstance(expected, (set, tuple)) else [expected]:
        assert str(value) not in wrong.replace(exercise_id, "")


def test_none_means_not_answered_yet(capsys):
    for exercise_id in EXERCISES:
        assert verdict(capsys, exercise_id, None).startswith("Not answered yet: replace None")
        assert not is_correct(exercise_id, None)


def test_numbers_from_pandas_and_tolerance(capsys):
    tracts = pd.read_csv(place_dir() / "tracts.csv", dtype={"GEOID": str})
    assert verdict(capsys, "00-total-population", tracts["B01003_001E"].sum()) == CORRECT  # numpy int
    assert verdict(capsys, "00-total-population", float(tracts["B01003_001E"].sum())) == CORRECT
    assert verdict(capsys, "00-total-population", tracts["B01003_001E"].sum() + 1).startswith("Not yet")
    share = EXERCISES["03-renter-share"].expected()
    assert verdict(capsys, "03-renter-share", round(share, 1)) == CORRECT  # within the 0.5 tolerance
    assert verdict(capsys, "03-renter-share", share + 1).startswith("Not yet")
    assert verdict(capsys, "03-renter-share", True).startswith("Not yet")  # a bool is not a number


def test_kind_tips(capsys):
    tracts = pd.read_csv(place_dir() / "tracts.csv", dtype={"GEOID": str})
    assert ".sum()" in verdict(capsys, "00-total-population", tracts["B01003_001E"])
    assert "without quotes" in verdict(capsys, "00-total-population", "969")
    assert "in quotes" in verdict(capsys, "01-sdc-labor", 36)
    assert "3 parts" in verdict(capsys, "02-decode-geoid", ("42", "003"))
    assert "in quotes" in verdict(capsys, "02-decode-geoid", (42, 3, 20100))  # numbers lose leading zeros


def test_text_answers_ignore_case_and_spaces(capsys):
    state, county, tract = EXERCISES["02-decode-geoid"].expected()
    assert verdict(capsys, "02-decode-geoid", [f" {state} ", county, tract]) == CORRECT
    assert verdict(capsys, "02-decode-geoid", (state, county.lstrip("0"), tract)).startswith("Not yet")
    for accepted in EXERCISES["01-sdc-labor"].expected():
        assert verdict(capsys, "01-sdc-labor", accepted.lower()) == CORRECT


def test_worksheet_validation(capsys):
    blank = pd.DataFrame([dict.fromkeys(WORKSHEET_COLUMNS, "")])
    assert "at least one row" in verdict(capsys, "01-worksheet", blank)
    filled = blank.assign(organization="A State Data Center", date_checked="2026-03-31")
    assert verdict(capsys, "01-worksheet", filled) == CORRECT
    assert "year-month-day" in verdict(capsys, "01-worksheet", filled.assign(date_checked="March"))
    assert "year-month-day" in verdict(capsys, "01-worksheet", filled.assign(date_checked="03/31/2026"))
    assert "missing the column" in verdict(capsys, "01-worksheet", filled.drop(columns="contact"))
    assert "worksheet table" in verdict(capsys, "01-worksheet", "a string")
    # Worksheets made before the lessons switched to US spelling ("organisation") still pass.
    british = filled.rename(columns={"organization": "organisation"})
    assert verdict(capsys, "01-worksheet", british) == CORRECT


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(UnknownExerciseError) as caught:
        check_answer("99-nope", 1)
    assert "Known exercises" in str(caught.value) and "00-total-population" in str(caught.value)


def test_ids_follow_the_notebook_numbering():
    for exercise_id, exercise in EXERCISES.items():
        assert exercise_id[:2].isdigit() and exercise_id[2] == "-"
        assert exercise.hint and (exercise.expected or exercise.validate)


# --- the usual mistakes: each one rejected, with the hint that names it --------------------------------

MISTAKES = [(exercise_id, i) for exercise_id, exercise in sorted(EXERCISES.items())
            for i in range(len(exercise.mistakes))]


def test_every_value_exercise_knows_at_least_two_mistakes():
    for exercise_id, exercise in EXERCISES.items():
        if exercise.expected is not None:
            assert len(exercise.mistakes) >= 2, exercise_id
        else:  # a file or table: validate() names each problem it finds (tests below and in test_exercise_files)
            assert exercise.validate is not None, exercise_id


@pytest.mark.parametrize(("exercise_id", "index"), MISTAKES)
def test_each_mistake_is_rejected_with_its_own_hint(capsys, exercise_id, index):
    exercise = EXERCISES[exercise_id]
    mistake = exercise.mistakes[index]
    wrong, expected = mistake.answer(), exercise.expected()
    if isinstance(wrong, set):  # several accepted spellings of one wrong answer (a state's abbreviation or name)
        wrong = sorted(wrong)[0]
    assert not is_correct(exercise_id, wrong)
    assert verdict(capsys, exercise_id, wrong) == f"Not yet: {mistake.hint}"
    assert mistake.hint != exercise.hint and not mistake.hint[:1].isupper()  # reads on after "Not yet: "
    if isinstance(expected, float):  # the right answer's tolerance is well clear of the mistake
        assert abs(wrong - expected) > 1.5 * exercise.tolerance
    for value in expected if isinstance(expected, (set, tuple)) else [expected]:
        assert str(value) not in mistake.hint  # a hint never gives the answer away


def test_answers_that_are_no_known_mistake_get_the_general_hint(capsys):
    total = EXERCISES["00-total-population"].expected()
    assert verdict(capsys, "00-total-population", total + 7) == f"Not yet: {EXERCISES['00-total-population'].hint}"


def test_renter_share_moe_rejects_the_ratio_formula_as_printed(capsys):
    """The issue's case: 0.584 (ratio formula) against 0.565 (proportion formula), rounded as printed."""
    from civicdata.moe.formulas import moe_prop, moe_ratio

    summary = pd.read_csv(place_dir(MOE_PLACE) / "summary.csv", dtype={"GEOID": str})
    region = summary[summary["geography"] == "county"].iloc[0]
    args = (region["B25003_003E"], region["B25003_001E"], region["B25003_003M"], region["B25003_001M"])
    right, ratio = float(moe_prop(*args)) * 100, float(moe_ratio(*args)) * 100
    assert round(right, 3) == pytest.approx(EXERCISES["06-renter-share-moe"].expected(), abs=5e-4)
    assert round(right, 2) < round(ratio, 2)  # 0.56 against 0.58
    assert verdict(capsys, "06-renter-share-moe", round(right, 2)) == CORRECT
    assert verdict(capsys, "06-renter-share-moe", round(right, 3)) == CORRECT
    assert "ratio formula" in verdict(capsys, "06-renter-share-moe", round(ratio, 2))
    assert "ratio formula" in verdict(capsys, "06-renter-share-moe", ratio)
    only_renters = region["B25003_003M"] / region["B25003_001E"] * 100
    assert "only the renters' MOE" in verdict(capsys, "06-renter-share-moe", round(only_renters, 2))


def test_mistakes_agree_with_an_independent_computation(capsys):
    """A few wrong methods redone with the package's own helpers (the registry writes them out by hand)."""
    from civicdata.moe.reliability import cv, reliability

    tracts = pd.read_csv(place_dir(MOE_PLACE) / "tracts.csv", dtype={"GEOID": str})
    labels = reliability(cv(tracts["B08201_002E"], tracts["B08201_002M"]))
    assert "\"medium\" labels" in verdict(capsys, "05-low-reliability", int((labels == "medium").sum()))
    owners = sum(tract_column("B25003_002E"))
    assert "owner-occupied" in verdict(capsys, "03-renters", owners)
    assert "share of owners" in verdict(capsys, "03-renter-share", owners / sum(tract_column("B25003_001E")) * 100)
    hartford_first = pd.read_csv(place_dir() / "tracts.csv", dtype={"GEOID": str})["GEOID"].iloc[0]
    parts = (hartford_first[:2], hartford_first[2:5], hartford_first[5:])
    assert "example tract" in verdict(capsys, "02-decode-geoid", parts)
    assert "\"Census Tract" in verdict(capsys, "02-decode-geoid", ("42", "003", "201"))


# --- save_new_csv never replaces a learner's file ------------------------------------------------------


def test_save_new_csv_never_overwrites(tmp_path, capsys):
    folder = tmp_path / "my-work"
    first = save_new_csv(pd.DataFrame({"organisation": ["A"]}), "partners.csv", folder=folder)
    assert first == folder / "partners.csv"
    assert "saved in" in capsys.readouterr().out
    first.write_text("organisation\nmy own edits\n", encoding="utf-8")  # the learner edits the file

    second = save_new_csv(pd.DataFrame({"organisation": ["B"]}), "partners", folder=folder, quiet=True)
    assert second == folder / "partners-2.csv"
    assert first.read_text(encoding="utf-8") == "organisation\nmy own edits\n"  # untouched

    again = save_new_csv(pd.DataFrame({"organisation": ["B"]}), "partners.csv", folder=folder, quiet=True)
    assert again == second  # the same table is already saved: no third copy
    assert sorted(p.name for p in folder.iterdir()) == ["partners-2.csv", "partners.csv"]
    assert pd.read_csv(second)["organisation"].tolist() == ["B"]
