# riskreg: `make run` starts it with demo data, `make test` runs the tests (see README.md).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
RISKREG := $(BIN)/riskreg
PYBABEL := $(BIN)/pybabel

TRANSLATIONS := riskreg/translations
POT := $(TRANSLATIONS)/messages.pot
LOCALES := da en
PO := $(foreach l,$(LOCALES),$(TRANSLATIONS)/$(l)/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

# Installed once; again only when pyproject.toml or constraints.txt changes. Every install takes the pinned
# versions of constraints.txt (`make constraints` renews them within pyproject.toml's bounds).
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
CONSTRAINTS := constraints.txt

ADMIN_EMAIL := admin@example.dk
DEMO ?= $(RISKREG) demo
HOST := 127.0.0.1
PORT := 5000

.PHONY: run test bench venv install install-test constraints translations compile lint format clean distclean

# --- environment -----------------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python

$(RUN_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $@ $(RUN_STAMP)

# Renew constraints.txt: the newest releases within pyproject.toml's bounds, resolved in a scratch venv. Then
# `make test` with them, and commit both files together (docs/developer-guide.md).
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip --disable-pip-version-check install --quiet -e '.[test]'
	{ echo "# The versions make run, make test and .ci/run install (pip -c). Renew with 'make constraints'."; \
	  .venv-constraints/bin/python -m pip --disable-pip-version-check freeze --all --exclude-editable | grep -v '^pip=='; } > $(CONSTRAINTS)
	rm -rf .venv-constraints

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

# --- translations ----------------------------------------------------------------------------------------

# The English catalogue is the identity: msgstr = msgid, so English is complete whenever the sources are.
define FILL_EN
from babel.messages.pofile import read_po, write_po
path = "$(TRANSLATIONS)/en/LC_MESSAGES/messages.po"
with open(path, "rb") as f:
    catalog = read_po(f, locale="en")
for message in catalog:
    if message.id:
        message.string = message.id
        message.flags.discard("fuzzy")
with open(path, "wb") as f:
    write_po(f, catalog, width=110)
endef
export FILL_EN

# Extract the messages from the sources, merge them into the catalogues (creating missing ones), compile.
translations: | $(RUN_STAMP)
	$(PYBABEL) -q extract -F babel.cfg -k _l -k lazy_gettext --add-comments=TRANSLATORS: \
		--project=riskreg --version=0.1.0 --width=110 -o $(POT) .
	for locale in $(LOCALES); do \
		if [ -f $(TRANSLATIONS)/$$locale/LC_MESSAGES/messages.po ]; then \
			$(PYBABEL) -q update --ignore-obsolete --width=110 -i $(POT) -d $(TRANSLATIONS) -l $$locale; \
		else \
			$(PYBABEL) -q init --width=110 -i $(POT) -d $(TRANSLATIONS) -l $$locale; \
		fi; \
	done
	$(BIN)/python -c "$$FILL_EN"
	$(MAKE) --no-print-directory compile

%.mo: %.po | $(RUN_STAMP)
	$(PYBABEL) compile --statistics -l $(word 3,$(subst /, ,$@)) -i $< -o $@

compile: $(MO)

# --- run -------------------------------------------------------------------------------------------------

# Prints how many systems there are, or whether a user with the e-mail in argv[2] exists.
define DB_STATUS
import sys
from sqlalchemy import func, select
from riskreg import create_app
from riskreg.auth.models import User
from riskreg.extensions import db
from riskreg.systems.models import System
app = create_app("development")
with app.app_context():
    if sys.argv[1] == "systems":
        print(db.session.scalar(select(func.count()).select_from(System)))
    else:
        print(db.session.scalar(select(func.count()).select_from(User).where(User.email == sys.argv[2])))
endef
export DB_STATUS

run: export RISKREG_ENV := development
run: $(RUN_STAMP) compile
	$(RISKREG) db upgrade
	@if [ "$$($(BIN)/python -c "$$DB_STATUS" systems)" = 0 ]; then echo "Loading demo data ..."; $(DEMO); fi
	@if [ "$$($(BIN)/python -c "$$DB_STATUS" user $(ADMIN_EMAIL))" = 0 ]; then \
		echo; echo "Log in at http://$(HOST):$(PORT)/ with this user (the password is shown only now):"; \
		$(RISKREG) user create $(ADMIN_EMAIL) --role admin --name Administrator; echo; \
	else \
		echo; echo "Log in at http://$(HOST):$(PORT)/ as $(ADMIN_EMAIL) with the password printed by the first 'make run'."; \
		echo "(Lost it? $(RISKREG) user set-password $(ADMIN_EMAIL) --generate prints a new one.)"; echo; \
	fi
	FLASK_DEBUG=1 $(RISKREG) run --host $(HOST) --port $(PORT)

# --- test ------------------------------------------------------------------------------------------------

# The whole suite on SQLite; then again on PostgreSQL when TEST_DATABASE_URL is set (browser tests once).
# First the Debian packages the browser and LibreOffice tests use are installed where that can be done (root
# with apt-get; SYSTEM_PACKAGES=skip to leave the system alone), or named; tests whose component is missing
# are skipped with a line that says what to install. Both runs are parallel (pytest-xdist: each worker has its
# own databases and its own Chromium) and print their 15 slowest tests; both run even when the first fails,
# and the exit status is non-zero if either failed. The last lines sum up both runs.
# Narrow it down with e.g. `make test PYTEST_ARGS="-x tests/auth"`; HYPOTHESIS_PROFILE=thorough for more
# examples per property.
PYTEST_ARGS ?=
PYTEST := $(BIN)/python -m pytest -q -n auto --durations=15
REPORTS := test-artifacts/runs
test: $(TEST_STAMP) compile
	@bash tools/system-packages.sh
	@rm -rf $(REPORTS); status=0; \
	if [ -n "$${TEST_DATABASE_URL:-}" ]; then only_sqlite=(-m "not postgresql"); else only_sqlite=(); fi; \
	echo "--- tests on SQLite (in parallel) ---"; \
	env -u TEST_DATABASE_URL RISKREG_TEST_RUN=SQLite RISKREG_TEST_REPORT=$(REPORTS)/1-sqlite.json \
		$(PYTEST) "$${only_sqlite[@]}" $(PYTEST_ARGS) || status=$$?; \
	if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
		echo "--- tests on PostgreSQL (in parallel) ---"; \
		RISKREG_TEST_RUN=PostgreSQL RISKREG_TEST_REPORT=$(REPORTS)/2-postgresql.json \
			$(PYTEST) -m "not browser" $(PYTEST_ARGS) || { s=$$?; [ $$s = 5 ] || status=$$s; }; \
	else \
		echo "(PostgreSQL run skipped: set TEST_DATABASE_URL to run the suite on PostgreSQL too, as .ci/run does.)"; \
	fi; \
	$(BIN)/python tools/test_summary.py $(REPORTS) || status=1; \
	exit $$status

# The benchmarks (see bench/README.md): the transfer engine on a generated register of 10,000 systems,
# DPF list matching (3,000 list entries against 10,000 names), and the Excel exports (10,000 systems).
BENCH_ARGS ?=
bench: $(TEST_STAMP) compile
	$(BIN)/python bench/classify.py $(BENCH_ARGS)
	$(BIN)/python bench/dpf_match.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/read_tables.py --repeat 1
	$(BIN)/python bench/register_import.py --repeat 1

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy riskreg

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Build and test leftovers; keeps .venv and the database in instance/.
clean:
	rm -f $(MO)
	rm -rf .pytest_cache .ruff_cache .mypy_cache build *.egg-info test-artifacts
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
