# The civic data workbook. Two commands matter:
#   make lab    set everything up (first time only) and open JupyterLab on the first notebook
#   make test   set everything up (first time only) and run the whole test suite
# The learner environment is installed into .venv from binder/requirements.txt (what Binder installs too);
# `make test` adds the test and lint tools of tests/requirements.txt on top. Each step reruns only when its
# list or pyproject.toml changes, so a second run starts at once.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-tests
PORT ?= 8888

# JupyterLab refuses to run as root unless told it may (containers, library lab images).
ifeq ($(shell id -u),0)
ROOT_FLAG := --allow-root
endif

.PHONY: lab test setup notebooks lint bench browser data clean help handouts

help:
	@echo "make lab        set up (first time) and open JupyterLab on notebooks/00-start-here.ipynb"
	@echo "make test       set up (first time) and run every test, notebooks included"
	@echo "make notebooks  re-execute every notebook in place (after changing one)"
	@echo "make bench      measure notebook time and memory, map sizes, request counts"
	@echo "make handouts   build printable handouts and posters into workshop/handouts/ (PLACE=slug optional)"
	@echo "make lint       ruff over the package, tests, tools, benchmarks and notebooks"
	@echo "make clean      remove .venv and caches"

setup: $(STAMP)

$(STAMP): binder/requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's python3-venv (needed to create .venv)..."; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  else \
	    echo "Python cannot create a virtual environment here: ask for Debian's python3-venv package"; \
	    echo "(sudo apt-get install python3-venv), or use conda with environment.yml (see README.md)."; \
	    exit 1; \
	  fi; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r binder/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)
	@echo "Environment ready in $(VENV)."

# The test and lint tools, on top of the learner environment.
$(TEST_STAMP): $(STAMP) tests/requirements.txt
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	@touch $(TEST_STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --port=$(PORT) notebooks/00-start-here.ipynb

# The browser tests need a real Chromium; Debian's package is installed when we are root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Note: chromium is not installed; the browser tests will be skipped (sudo apt-get install chromium)."; \
	  fi; }

# Tests run in parallel, one worker per core (pytest-xdist); --dist loadfile keeps each notebook's cells
# together on one worker, in order, in one kernel, as nbval needs.
test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest -n auto --dist loadfile

notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check civicdata tests tools benchmarks notebooks $(wildcard data/build_data.py)

# Workshop handouts are built, never hand-made, so they cannot drift from the data: the lessons as HTML
# (solutions left out), the Data Walk posters, and the one-page cheat sheet, the glossary and the "when
# you're stuck" page as printable HTML, into workshop/handouts/ (ignored by git).
# Without PLACE the stored outputs (the default place) are used; `make handouts PLACE=slug` re-runs the
# lessons and the posters offline on a place prefetched with `civicdata prefetch`.
HANDOUT_ENV := $(if $(PLACE),CIVICDATA_PLACE=$(PLACE) CIVICDATA_OFFLINE=1)

HANDOUT_RUN := workshop/handouts/.run

handouts: $(STAMP)
	rm -rf $(HANDOUT_RUN) && mkdir -p $(HANDOUT_RUN)
	$(if $(PLACE),$(HANDOUT_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --output-dir $(HANDOUT_RUN),cp) \
	  notebooks/[0-9][0-9]-*.ipynb $(if $(PLACE),,$(HANDOUT_RUN)/)
	$(BIN)/jupyter nbconvert --to html --output-dir workshop/handouts \
	  --TagRemovePreprocessor.enabled=True --TagRemovePreprocessor.remove_cell_tags=solution \
	  --RegexRemovePreprocessor.patterns='#+ Solution' $(HANDOUT_RUN)/*.ipynb
	rm -rf $(HANDOUT_RUN)
	$(HANDOUT_ENV) $(BIN)/civicdata posters --out workshop/handouts/posters.pdf
	$(BIN)/python tools/markdown_handouts.py notebooks/cheat-sheet.md notebooks/glossary.md \
	  notebooks/when-stuck.md --out workshop/handouts
	@echo "Handouts are in workshop/handouts/ (open the .html files in a browser and print them)."

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
