# Newsroom: `make run` serves the site with demo content; `make test` runs every check.
# Everything runs from .venv, which these targets create and keep in step with
# requirements*.txt.

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# The demo site always runs on its own SQLite file and the project's cache
# folder (var/cache/, shared with manage.py), even in a shell where
# DATABASE_URL or REDIS_URL point at a real server.
DEV := DJANGO_DEBUG=1 DATABASE_URL= REDIS_URL= NEWSROOM_CACHE_BACKEND=

# The first Python 3.12+ found: versioned names on PATH, then pyenv installs.
FIND_PYTHON = for candidate in python3.14 python3.13 python3.12 python3 \
	  $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v "$$candidate" >/dev/null 2>&1 && \
	     "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$candidate"; break; \
	  fi; \
	done

.DEFAULT_GOAL := help
.PHONY: help which-python venv install dev-install run serve admin test pytest test-slow test-browser lint format \
	check migrations-check bench mutants clean

help:
	@echo "make run           serve the site with demo content on http://127.0.0.1:$(PORT)"
	@echo "make test          lint, system checks, migrations check and the test suite"
	@echo "make test-slow     the slow tests (servers, huge imports) that make test skips"
	@echo "make test-browser  browser tests in Chromium (needs /usr/bin/chromium)"
	@echo "make admin         create an account for the admin at /admin/"
	@echo "make serve         production-style server (gunicorn, DEBUG off)"
	@echo "make format        fix formatting; make lint checks it"
	@echo "make bench         benchmarks (see bench/README.md)"
	@echo "make mutants       mutation testing of the security-relevant modules (docs/mutants.md)"

which-python:
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then echo "No Python 3.12 or newer found." >&2; exit 1; fi; \
	echo "$$python"

venv:
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "Replacing $(VENV): it was made with a Python older than 3.12."; rm -rf $(VENV); \
	fi
	@if [ ! -x $(PY) ]; then \
	  python=$$($(FIND_PYTHON)); \
	  if [ -z "$$python" ]; then \
	    echo "Newsroom needs Python 3.12 or newer, and none was found." >&2; \
	    echo "Install one (e.g. 'apt install python3.13' or 'brew install python@3.13'), then run make again." >&2; \
	    exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$python"; \
	  "$$python" -m venv $(VENV) || { echo "Could not create $(VENV) (on Debian/Ubuntu: apt install python3-venv)." >&2; exit 1; }; \
	fi

$(VENV)/.installed: requirements.txt | venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: venv $(VENV)/.installed

dev-install: venv $(VENV)/.installed-dev

run: install
	@$(DEV) $(PY) manage.py migrate --noinput -v 0
	@$(DEV) $(PY) manage.py load_demo
	@$(DEV) $(PY) manage.py load_demo_comments
	@echo
	@echo "  Newsroom is running at http://127.0.0.1:$(PORT)/"
	@echo "  Editors work at http://127.0.0.1:$(PORT)/admin/"
	@echo "  To make an admin account, in another terminal: make admin"
	@echo "  (or: $(PY) manage.py createsuperuser). Stop the server with Ctrl-C."
	@echo
	@$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

admin: install
	@$(DEV) $(PY) manage.py createsuperuser

serve: install
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn -c gunicorn.conf.py newsroom.wsgi

lint: dev-install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

format: dev-install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

check: dev-install
	DJANGO_SECRET_KEY=check-only $(PY) manage.py check --fail-level WARNING

migrations-check: dev-install
	DJANGO_SECRET_KEY=check-only $(PY) manage.py makemigrations --check --dry-run

pytest: dev-install
	$(VENV)/bin/pytest -m "not browser and not slow" $(ARGS)

test: lint check migrations-check pytest

# Tests that start servers or feed the importer megabytes (a minute or so).
test-slow: dev-install
	$(VENV)/bin/pytest -m "slow and not browser" $(ARGS)

test-browser: dev-install
	$(VENV)/bin/pytest -m browser -p no:cacheprovider $(ARGS)

# Without ARGS: the list of benchmarks. The site benchmark drives gunicorn with wrk.
bench: dev-install
	@if [ "$(firstword $(ARGS))" = site ] && [ -z "$(filter --fill-only,$(ARGS))" ] \
	  && ! command -v wrk >/dev/null 2>&1; then \
	  echo "wrk is needed: apt-get install wrk" >&2; exit 1; \
	fi
	$(PY) bench/run.py $(ARGS)

# Mutation testing (setup.cfg [mutmut], docs/mutants.md): a fresh mutants/ each
# time, so the results always describe the tree as it is. Not part of `make test`.
mutants: dev-install
	rm -rf mutants
	$(VENV)/bin/mutmut run
	@echo
	@echo "Surviving mutants (each is killed by a test or explained in docs/mutants.md):"
	@$(VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
