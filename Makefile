# The civic data workbook. Two commands matter:
#   make lab    set everything up (first time only) and open JupyterLab on the first notebook
#   make test   set everything up (first time only) and run the whole test suite
# The learner environment is installed into .venv from binder/requirements.txt (what Binder installs too);
# `make test` adds the test and lint tools of tests/requirements.txt on top, `make site` the website tools of
# site/requirements.txt. Each step reruns only when its list or pyproject.toml changes, so a second run
# starts at once.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-tests
SITE_STAMP := $(VENV)/.installed-site
HUB_STAMP := $(VENV)/.installed-classroom
NODE_STAMP := node_modules/.installed
# The workbook's JupyterLab and Jupyter Server settings (binder/jupyter/, installed by tools/jupyter_settings.py):
# kernels shut down with their tab and are culled when idle; no news pop-up. Installed again only when they
# change, so `tools/jupyter_settings.py remove` (workshop/learner-setup.md) lasts.
JUPYTER_SETTINGS := $(VENV)/.jupyter-settings
PORT ?= 8888

# JupyterLab refuses to run as root unless told it may (containers, library lab images).
ifeq ($(shell id -u),0)
ROOT_FLAG := --allow-root
endif

.PHONY: lab test setup notebooks lint bench browser node data clean help handouts site classroom \
	classroom-stop classroom-status classroom-wipe

help:
	@echo "make lab        set up (first time) and open JupyterLab on notebooks/00-start-here.ipynb"
	@echo "make test       set up (first time) and run every test, notebooks included"
	@echo "make notebooks  re-execute every notebook in place (after changing one)"
	@echo "make bench      measure notebook time and memory, map sizes, request counts"
	@echo "make site       build the website into _site/ (serve it: python -m http.server -d _site)"
	@echo "make handouts   print the lessons (PDF, from the website) and posters into workshop/handouts/ (PLACE=slug optional)"
	@echo "make classroom  start a JupyterHub for a workshop on this machine (CLASSROOM_PASSWORD=...)"
	@echo "make classroom-stop   stop it (and every learner's server); classroom-status, classroom-wipe"
	@echo "make lint       ruff over the package, tests, tools, benchmarks and notebooks"
	@echo "make clean      remove .venv and caches"

setup: $(STAMP) $(JUPYTER_SETTINGS)

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

$(JUPYTER_SETTINGS): $(STAMP) binder/jupyter/lab-settings.json binder/jupyter/server-config.json tools/jupyter_settings.py
	$(BIN)/python tools/jupyter_settings.py install
	@touch $(JUPYTER_SETTINGS)

# The test and lint tools, on top of the learner environment. They include the website tools and the
# classroom hub's packages: the suite builds the site and starts a real hub.
$(TEST_STAMP): $(STAMP) tests/requirements.txt site/requirements.txt workshop/classroom/requirements.txt
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	@touch $(TEST_STAMP) $(SITE_STAMP) $(HUB_STAMP)

# The website tools (Sphinx, MyST-NB, sphinx-book-theme, Playwright), on top of the learner environment.
$(SITE_STAMP): $(STAMP) site/requirements.txt
	$(BIN)/python -m pip install --quiet -r site/requirements.txt
	@touch $(SITE_STAMP)

# The classroom hub: jupyterhub, jupyterhub-idle-culler and nbgitpuller in .venv, and its proxy,
# configurable-http-proxy, from npm (package.json, exact versions in package-lock.json) into node_modules/.

$(HUB_STAMP): $(STAMP) workshop/classroom/requirements.txt
	$(BIN)/python -m pip install --quiet -r workshop/classroom/requirements.txt
	@touch $(HUB_STAMP)


# Start the hub in the background; everything it writes goes to .classroom/ (see workshop/classroom/README.md).
classroom: $(HUB_STAMP) node
	$(BIN)/python workshop/classroom/classroom.py start

classroom-stop:
	@test -x $(BIN)/python || { echo "No .venv here, so no classroom hub to stop."; exit 0; }; \
	$(BIN)/python workshop/classroom/classroom.py stop

classroom-status:
	$(BIN)/python workshop/classroom/classroom.py status

classroom-wipe:
	$(BIN)/python workshop/classroom/classroom.py wipe

lab: $(STAMP) $(JUPYTER_SETTINGS)
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

# The Node tools, exactly as package-lock.json pins them: configurable-http-proxy (the classroom hub's proxy)
# and axe-core (the website's accessibility test). Without npm (and not root) the tests that need them are
# skipped on a laptop; CI fails them instead, as for the browser tests.
node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's npm for the classroom hub and the website's accessibility test..."; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else \
	    echo "Note: npm is not installed; the hub and accessibility tests will be skipped (sudo apt-get install npm)."; \
	  fi; }
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); fi

# Tests run in parallel, one worker per core (pytest-xdist); --dist loadfile keeps each notebook's cells
# together on one worker, in order, in one kernel, as nbval needs.
test: $(TEST_STAMP) $(JUPYTER_SETTINGS) browser node
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check civicdata tests tools benchmarks notebooks site workshop/classroom $(wildcard data/build_data.py)

# The website: the notebooks as stored (no execution), the learner pages and the workshop kit, into _site/.
# Chromium (make browser) takes the pictures the maps print as; without it the site still builds.
site: $(SITE_STAMP) browser
	$(BIN)/python site/build_site.py

# Workshop handouts are built, never hand-made, so they cannot drift from the data: the lessons printed to
# PDF from the website's pages (a learner's copy without solutions and a facilitator's copy with them),
# the cheat sheet and the workshop templates when the site has them, and the Data Walk posters, into
# workshop/handouts/ (ignored by git). Without PLACE the stored outputs (the default place) are used;
# `make handouts PLACE=slug` re-runs the lessons and the posters offline on a place prefetched with
# `civicdata prefetch`, and prints them from a site built of those runs (in build/handouts-site/).
HANDOUT_ENV := $(if $(PLACE),CIVICDATA_PLACE=$(PLACE) CIVICDATA_OFFLINE=1)
HANDOUT_RUN := build/handouts-run
HANDOUT_SITE := $(if $(PLACE),build/handouts-site,_site)

handouts: $(SITE_STAMP) browser
	$(if $(PLACE),rm -rf $(HANDOUT_RUN) && mkdir -p $(HANDOUT_RUN) && $(HANDOUT_ENV) $(BIN)/jupyter nbconvert \
	  --to notebook --execute --output-dir $(HANDOUT_RUN) notebooks/[0-9][0-9]-*.ipynb)
	$(BIN)/python site/build_site.py --out $(HANDOUT_SITE) $(if $(PLACE),--notebooks $(HANDOUT_RUN))
	rm -f workshop/handouts/*.html
	$(BIN)/python site/print_handouts.py --site $(HANDOUT_SITE) --out workshop/handouts
	$(HANDOUT_ENV) $(BIN)/civicdata posters --out workshop/handouts/posters.pdf
	@echo "Handouts are in workshop/handouts/ (PDF, ready to print)."

bench: $(TEST_STAMP) browser node
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis _site build/site node_modules
