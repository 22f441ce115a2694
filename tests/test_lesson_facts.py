"""Facts in the lessons and the workshop kit, held by tests where a test can hold them.

* Distances in lesson 09 are measured in meters and agree within 1% with geodesic distances (pyproj.Geod).
* Wherever 2013-2017 and 2018-2022 are compared, the 2016 change in the internet questions is stated, and
  lesson 07 quotes the bundled table notes word for word.
* Connecticut's switch to planning regions changed the county part of GEOIDs, not the tract codes.
* The interactive maps' background is OpenStreetMap's (in color), and no text calls it gray.
* Data Walk credits to the Urban Institute come with the guide's full citation, and only for the method:
  the kit's own plan (5 to 7 stations, 2 or 3 prompts, 75 to 90 minutes) is never credited to the guide.
* Learner- and facilitator-facing text is in US English (a word list of British spellings).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from notebook_env import scratch_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted(NOTEBOOKS.glob("*.md")),
         *sorted((ROOT / "workshop").rglob("*.md"))]
PAGES = [p for p in PAGES if "handouts" not in p.relative_to(ROOT).parts[1:-1]]


def lesson(prefix: str) -> Path:
    return next(p for p in LESSONS if p.name.startswith(prefix))


def markdown_of(path: Path) -> str:
    return "\n\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


def texts() -> dict[str, str]:
    """Every learner- or facilitator-facing text: pages, and the lessons' text cells."""
    found = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in PAGES}
    found |= {str(p.relative_to(ROOT)): markdown_of(p) for p in LESSONS}
    return found


def paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text)]


# --- distances ----------------------------------------------------------------------------------------

GEODESIC_CHECK = """
import json
import pyproj
geod = pyproj.Geod(ellps="WGS84")
points = nearest.geometry.to_crs(4326)
targets = outlets_m.loc[nearest["index_right"]].geometry.to_crs(4326)
_, _, meters = geod.inv(points.x.to_numpy(), points.y.to_numpy(), targets.x.to_numpy(), targets.y.to_numpy())
ratios = (nearest["miles"].to_numpy() * 1609.344) / meters
print(json.dumps({"n": len(ratios), "worst": float(abs(ratios - 1).max()),
                  "unit_factor": meters_crs.axis_info[0].unit_conversion_factor, "crs": meters_crs.to_epsg()}))
"""


def test_library_distances_are_in_meters_and_agree_with_geodesic_distances():
    path = lesson("09")
    nb = nbformat.read(path, as_version=4)
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import lesson_minutes

    section = lesson_minutes.find_section(path, "2. A question libraries care about")
    setup = [c for c in nb.cells if "setup" in c.metadata.get("tags", [])]
    cells = setup + [c for c in nb.cells[section.start:section.end] if c.cell_type == "code"]
    run = nbformat.v4.new_notebook(metadata=nb.metadata)
    run.cells = cells + [nbformat.v4.new_code_cell(GEODESIC_CHECK)]
    with scratch_notebooks() as folder:
        NotebookClient(run, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    # The printed JSON may arrive in more than one piece of stream output (the newline on its own): join them.
    result = json.loads("".join(o.get("text", "") for o in run.cells[-1].outputs if o.get("name") == "stdout"))
    assert result["unit_factor"] == 1.0, f"lesson 09 measures in a CRS whose unit is not the meter: {result}"
    assert result["n"] > 100 and result["worst"] < 0.01, f"distances off by more than 1%: {result}"


def test_the_feet_trap_is_explained_where_distances_are_measured():
    text = markdown_of(lesson("09"))
    assert "EPSG:6434" in text and "feet" in text and "EPSG:6433" in text


# --- the 2016 change in the internet questions ---------------------------------------------------------

NOTES_2017 = ROOT / "data" / "digital-equity" / "ACSST5Y2017.S2801-Table-Notes.txt"


def test_lesson_07_quotes_the_table_notes_word_for_word():
    notes = " ".join(NOTES_2017.read_text(encoding="utf-8").split())
    quotes = [line.lstrip("> ").strip() for line in markdown_of(lesson("07")).splitlines() if line.startswith(">")
              and "2016" in line]
    assert quotes, "lesson 07 should quote the table notes on the 2016 change"
    for quote in quotes:
        assert " ".join(quote.split()) in notes, f"not in {NOTES_2017.name}: {quote!r}"


def test_every_comparison_of_the_two_periods_states_the_2016_change():
    missing = [name for name, text in texts().items()
               if "2013-2017" in text and "2018-2022" in text
               and not re.search(r"2016\b[^.]*question|question[^.]*\b2016\b", text, re.I | re.S)]
    assert not missing, f"compare 2013-2017 with 2018-2022 without the 2016 change in the questions: {missing}"


# --- Connecticut's planning regions ---------------------------------------------------------------------


def test_nobody_says_the_tract_codes_changed():
    wrong = re.compile(r"tract codes? (?:also )?changed|tract codes changed with|new tract codes", re.I)
    offenders = [name for name, text in texts().items() if wrong.search(text)]
    assert not offenders, f"only the county part of Connecticut's GEOIDs changed: {offenders}"


def test_the_faq_says_only_the_county_part_changed():
    guide = (ROOT / "workshop" / "facilitator-guide.md").read_text(encoding="utf-8")
    answer = next(p for p in paragraphs(guide) if "09110" in p and "09003" in p)
    assert "county part" in answer and re.search(r"tract codes (stayed the same|did not change)", answer), answer


# --- maps -----------------------------------------------------------------------------------------------


def test_map_backgrounds_are_described_as_openstreetmap_not_gray():
    gray = re.compile(r"gr[ae]y (street |background )*(background|street map|tiles)", re.I)
    offenders = [name for name, text in texts().items() if gray.search(text)]
    assert not offenders, f"the tiles are OpenStreetMap's color ones: {offenders}"
    for path in LESSONS:
        html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nbformat.read(path, as_version=4).cells
                       for o in c.get("outputs", []))
        if "L.tileLayer" in html:
            assert "tile.openstreetmap.org" in html, f"{path.name}: a map with other tiles than OpenStreetMap's"
            assert "OpenStreetMap" in markdown_of(path), f"{path.name}: say where the background map comes from"


# --- Data Walks -----------------------------------------------------------------------------------------

CITATION = ("Murray", "Falkenburger", "Saxena", "2015", "Data Walks: An Innovative Way to Share Data with Communities")


#: Mentions of the Urban Institute that are not about Data Walks (it coordinates NNIP; it published NNIP's
#: training guide).
OTHER_URBAN = re.compile(r"coordinated by the \**Urban Institute\**|\(NNIP, Urban Institute\)|"
                         r"\([^()]*Urban Institute, 2017\)")


def test_data_walk_credits_to_the_urban_institute_cite_its_guide():
    for name, text in texts().items():
        credits = [p for p in paragraphs(OTHER_URBAN.sub(" ", text)) if "Urban Institute" in p and "Data Walk" in p]
        if credits:
            flat = " ".join(text.split()).replace("*", "")
            missing = [part for part in CITATION if part not in flat]
            assert not missing, f"{name} credits Data Walks to the Urban Institute without {missing}"


#: The kit's own Data Walk plan, which we could not verify in the Urban Institute's guide.
KIT_PLAN = re.compile(r"\b75\s*(?:to|-|–)\s*90\b|\b5\s*(?:to|-|–)\s*7\b|\b2\s*(?:or|to|-|–)\s*3\b")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”*_)]*\s+(?=[A-Z*\[(\"“])")


def credits_the_guide(sentence: str) -> bool:
    return "Urban Institute" in sentence or "Murray" in sentence or "the guide" in sentence.lower()


def sentences_crediting_the_guide(text: str) -> list[str]:
    """Sentences that credit the guide, and whole lists introduced by one ("As the guide describes it:")."""
    text = OTHER_URBAN.sub(" ", text)
    blocks = re.split(r"\n\s*\n", text)
    found = [" ".join(block.split()) for lead, block in zip(["", *blocks[:-1]], blocks, strict=True)
             if block.lstrip().startswith(("- ", "* ")) and " ".join(lead.split()).endswith(":")
             and credits_the_guide(SENTENCE_END.split(" ".join(lead.split()))[-1])]
    text = re.sub(r"\n[ \t]*[-*] ", "\n\n", text)  # each list item on its own
    for paragraph in paragraphs(text):
        found += [sentence for sentence in SENTENCE_END.split(paragraph) if credits_the_guide(sentence)]
    return found


def test_the_kits_own_data_walk_plan_is_not_credited_to_the_guide():
    for name, text in texts().items():
        for sentence in sentences_crediting_the_guide(text):
            assert not KIT_PLAN.search(sentence), (
                f"{name}: a sentence that credits the Urban Institute's guide states the kit's own plan "
                f"(stations, prompts, minutes); say it is this workbook's plan, in a sentence of its own: {sentence!r}")


def test_the_plan_check_catches_a_figure_credited_to_the_guide():
    credited = "The Urban Institute's guide (Murray, 2015) says a walk takes 75 to 90 minutes."
    assert any(KIT_PLAN.search(s) for s in sentences_crediting_the_guide(credited))
    separate = ("The method comes from the Urban Institute's guide (Murray, 2015). This workbook's plan: 5 to 7 "
                "stations, 75 to 90 minutes.")
    assert not any(KIT_PLAN.search(s) for s in sentences_crediting_the_guide(separate))
    listed = "The Urban Institute describes it (Murray, 2015). As the guide describes it:\n\n- 5 to 7 stations.\n"
    assert any(KIT_PLAN.search(s) for s in sentences_crediting_the_guide(listed))
    ours = "The method comes from the Urban Institute (Murray, 2015).\n\nThis workbook's plan:\n\n- 5 to 7 stations.\n"
    assert not any(KIT_PLAN.search(s) for s in sentences_crediting_the_guide(ours))


def test_the_citation_check_catches_an_uncited_credit(monkeypatch):
    text = "A **Data Walk** is a way to discuss data. It was developed by the Urban Institute."
    assert [p for p in paragraphs(OTHER_URBAN.sub(" ", text)) if "Urban Institute" in p and "Data Walk" in p]
    nnip = "Start a Data Walk. NNIP (coordinated by the **Urban Institute**) and its guide (Urban Institute, 2017)."
    assert not [p for p in paragraphs(OTHER_URBAN.sub(" ", nnip)) if "Urban Institute" in p]
