"""Notebook hygiene: the conventions in TEAM.md, checked on the stored (executed) notebooks.

Cheap static checks on the .ipynb files and data/ only; nothing is executed here. The "no cell over
20 s" rule is enforced while nbval runs the notebooks (tests/cell_time_limit.py), so the notebooks run
once per suite, not twice.
"""

from __future__ import annotations

import getpass
import re
import socket
from pathlib import Path

import nbformat
import pytest
from cell_time_limit import CELL_LIMIT_SECONDS, CellTimeLimit

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"

EXPECTED = [
    "00-start-here",
    "01-civic-data-ecosystem",
    "02-census-geography",
    "03-finding-acs-data",
    "04-census-downloads",
    "05-margins-of-error",
    "06-derived-estimates",
    "07-internet-over-time",
    "08-mapping-tracts",
    "09-libraries-on-the-map",
    "10-discussing-the-data",
    "11-your-community",
]

# A Census API key is 40 hexadecimal characters. Longer hex runs (sha256 checksums) are not keys.
KEY_LIKE = re.compile(rb"(?<![0-9A-Fa-f])[0-9A-Fa-f]{40}(?![0-9A-Fa-f])")
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/root|/home|/tmp|/work|/Users)/|[A-Za-z]:\\\\?Users", re.IGNORECASE)
GENERIC_NAMES = {"root", "user", "admin", "jovyan", "runner", "ubuntu", "debian", "localhost"}
IMAGE_MIME = re.compile(r"^image/")
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def output_texts(cell):
    """Yield (label, text) for every textual part of a code cell's outputs (images excluded)."""
    for n, out in enumerate(cell.get("outputs", [])):
        if out.output_type == "stream":
            yield f"output {n} ({out.name})", out.text
        elif out.output_type == "error":
            yield f"output {n} (error)", "\n".join([out.ename, out.evalue, *out.traceback])
        else:
            for mime, value in out.get("data", {}).items():
                if IMAGE_MIME.match(mime) and mime != "image/svg+xml":
                    continue
                yield f"output {n} ({mime})", value if isinstance(value, str) else str(value)


def where(path: Path, index: int) -> str:
    return f"{path.name} cell {index}"


PATHS = notebook_paths()
IDS = [p.stem for p in PATHS]
every_notebook = pytest.mark.parametrize("path", PATHS, ids=IDS)


def test_the_twelve_lessons_exist():
    present = {p.stem for p in PATHS}
    missing = [name for name in EXPECTED if name not in present]
    assert not missing, f"missing notebooks: {missing}"
    unexpected = sorted(present - set(EXPECTED))
    assert not unexpected, f"notebooks not in TEAM.md's list (rename or add them there): {unexpected}"


@every_notebook
def test_notebook_is_valid_nbformat(path):
    nbformat.validate(load(path))


@every_notebook
def test_kernelspec_is_python3(path):
    kernelspec = load(path).metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", f"{path.name}: kernelspec {kernelspec!r}"


@every_notebook
def test_execution_counts_are_sequential(path):
    """Stored outputs come from one clean top-to-bottom run (tools/run_notebooks.py)."""
    nb = load(path)
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and source(c).strip()]
    counts = [c.execution_count for _, c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: execution counts {counts}; re-run `python tools/run_notebooks.py {path.name}`"
    )
    for i, cell in code:
        for out in cell.outputs:
            if out.output_type == "execute_result":
                assert out.execution_count == cell.execution_count, where(path, i)


@every_notebook
def test_header_cell(path):
    first = load(path).cells[0]
    assert first.cell_type == "markdown", f"{path.name}: the first cell must be markdown"
    text = source(first)
    number = path.name[:2]
    assert re.match(rf"#\s+{number}\s+\S", text), f"{path.name}: first line must be '# {number} Title'"
    assert re.search(r"\*\*Time:\*\*[^\n]*?\d+\s*minutes", text), f"{path.name}: '**Time:** NN minutes'"
    assert "**Questions**" in text, f"{path.name}: header needs a **Questions** list"
    assert "**Objectives**" in text, f"{path.name}: header needs an **Objectives** list"
    assert re.search(r"offline|bundled", text, re.IGNORECASE), f"{path.name}: say it runs offline"


@every_notebook
def test_last_cell_is_key_points(path):
    last = load(path).cells[-1]
    assert last.cell_type == "markdown" and source(last).lstrip().startswith("## Key points"), (
        f"{path.name}: the last cell must be markdown starting '## Key points'"
    )


@every_notebook
def test_solution_cells_are_collapsed(path):
    for i, cell in enumerate(load(path).cells):
        if "solution" in cell.metadata.get("tags", []):
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, (
                f"{where(path, i)}: solution cell needs metadata jupyter.source_hidden = true"
            )


@every_notebook
def test_every_image_has_alt_text(path):
    for i, cell in enumerate(load(path).cells):
        if cell.cell_type == "markdown":
            for alt, target in MD_IMAGE.findall(source(cell)):
                assert alt.strip(), f"{where(path, i)}: markdown image {target!r} has no alt text"
            texts = [source(cell)]
        elif cell.cell_type == "code":
            texts = []
            for n, out in enumerate(cell.outputs):
                for mime in out.get("data", {}):
                    if IMAGE_MIME.match(mime):
                        alt = out.get("metadata", {}).get(mime, {}).get("alt", "")
                        assert str(alt).strip(), (
                            f"{where(path, i)} output {n}: {mime} without alt text; "
                            "use civicdata.show_figure(fig, alt=...)"
                        )
                html = out.get("data", {}).get("text/html")
                if html:
                    texts.append(html if isinstance(html, str) else "".join(html))
        else:
            texts = []
        for text in texts:
            for tag in HTML_IMG.findall(text):
                alt = HTML_ALT.search(tag)
                assert alt and (alt.group(1) or alt.group(2) or "").strip(), f"{where(path, i)}: {tag[:80]}"


@every_notebook
def test_no_api_key_like_string_in_notebook(path):
    raw = path.read_bytes()
    found = KEY_LIKE.search(raw)
    assert not found, f"{path.name}: 40-hex-character string (looks like a Census API key) at byte {found.start()}"


def data_text_files() -> list[Path]:
    files = []
    for file in sorted(DATA.rglob("*")) if DATA.is_dir() else []:
        if file.is_file():
            with file.open("rb") as handle:
                if b"\0" not in handle.read(8192):
                    files.append(file)
    return files


def test_no_api_key_like_string_in_data_files():
    offenders = []
    for file in data_text_files():
        found = KEY_LIKE.search(file.read_bytes())
        if found:
            offenders.append(f"{file.relative_to(ROOT)} at byte {found.start()}")
    assert not offenders, f"40-hex-character strings (look like Census API keys): {offenders}"


def machine_words() -> list[str]:
    """This machine's user and host names, when they are specific enough to search for."""
    words = {getpass.getuser(), Path.home().name, socket.gethostname().split(".")[0]}
    return sorted(w for w in words if len(w) >= 4 and w.lower() not in GENERIC_NAMES)


@every_notebook
def test_no_absolute_paths_or_user_names_in_outputs(path):
    names = [re.compile(rf"\b{re.escape(word)}\b") for word in machine_words()]
    for i, cell in enumerate(load(path).cells):
        if cell.cell_type != "code":
            continue
        for label, text in output_texts(cell):
            found = ABSOLUTE_PATH.search(text)
            assert not found, f"{where(path, i)} {label}: absolute path {text[found.start():found.start() + 60]!r}"
            for name in names:
                assert not name.search(text), f"{where(path, i)} {label}: machine-specific name {name.pattern}"


# The 20-second rule itself runs during nbval (tests/cell_time_limit.py); this checks the rule's logic.


class IPyNbCell:  # same class name as nbval's cell items
    pass


class FakeCall:
    def __init__(self, duration: float) -> None:
        self.when, self.duration = "call", duration


class FakeReport:
    def __init__(self) -> None:
        self.outcome, self.longrepr = "passed", None

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


def run_hook(item, duration: float) -> FakeReport:
    hook = CellTimeLimit(CELL_LIMIT_SECONDS).pytest_runtest_makereport(item, FakeCall(duration))
    next(hook)
    with pytest.raises(StopIteration) as stop:
        hook.send(FakeReport())
    return stop.value.value


def test_slow_notebook_cell_fails():
    report = run_hook(IPyNbCell(), CELL_LIMIT_SECONDS + 0.5)
    assert report.outcome == "failed" and "limit is 20 s" in report.longrepr


def test_fast_cell_and_slow_unit_test_pass():
    assert run_hook(IPyNbCell(), CELL_LIMIT_SECONDS - 0.5).outcome == "passed"
    assert run_hook(object(), CELL_LIMIT_SECONDS + 30).outcome == "passed"


# One import for learners: lessons use only the top-level package (ARCHITECTURE.md), never a module inside it,
# so that moving a helper between folders never touches a lesson.

CIVICDATA_NAME = re.compile(r"`[^`]*?\bcivicdata\.([A-Za-z_]\w*)")


def civicdata_uses(code: str) -> list[str]:
    """Every way a cell of code reaches into civicdata that the top-level surface does not allow."""
    import ast

    import civicdata

    surface = set(civicdata.__all__)
    # IPython magics and shell lines are not Python; blank them out, keeping line numbers.
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
    problems = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            problems += [f"import {a.name}" for a in node.names
                         if a.name.startswith("civicdata.")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "civicdata":
            if node.module != "civicdata":
                problems.append(f"from {node.module} import ...")
            problems += [f"from civicdata import {a.name} (not in civicdata.__all__)" for a in node.names
                         if a.name not in surface]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "civicdata" and node.attr not in surface):
            problems.append(f"civicdata.{node.attr} (not in civicdata.__all__)")
    return problems


def test_civicdata_uses_catches_submodule_imports():
    assert civicdata_uses("from civicdata.exercises import check_answer") == ["from civicdata.exercises import ..."]
    assert civicdata_uses("import civicdata.maps.choropleth") == ["import civicdata.maps.choropleth"]
    assert civicdata_uses("x = civicdata.config.current_place()") == ["civicdata.config (not in civicdata.__all__)"]
    assert civicdata_uses("from civicdata import no_such_helper") == [
        "from civicdata import no_such_helper (not in civicdata.__all__)"]
    assert civicdata_uses("%matplotlib inline\nimport civicdata\nfrom civicdata import get_acs, check_answer\n"
                          "civicdata.current_place()") == []


@every_notebook
def test_lessons_import_only_the_top_level_package(path):
    import civicdata

    for i, cell in enumerate(load(path).cells):
        if cell.cell_type == "code":
            problems = civicdata_uses(source(cell))
            assert not problems, f"{where(path, i)}: use `from civicdata import ...` instead of {problems}"
        elif cell.cell_type == "markdown":  # the prose names helpers the same way the code uses them
            for name in CIVICDATA_NAME.findall(source(cell)):
                assert name in civicdata.__all__, f"{where(path, i)}: `civicdata.{name}` is not a top-level helper"
