# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mail point where `make run` serves, unless SITE_URL is set (0.0.0.0 is no address).
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi:app
export PORTAL_ENV ?= development
# Two pytest-xdist workers (this machine has 2 cores); each has its own database, upload folder
# and browser. `make test PYTEST_ARGS=` runs serially, `PYTEST_ARGS="-n 0 -x tests/unit"` too.
PYTEST_ARGS ?= -n 2

.PHONY: run serve serve-live test test-postgres bench bench-dashboard lint migration worker \
	requirements clean translations catalogues

$(BIN)/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

instance:
	mkdir -p instance

## The Spanish catalogue: .po sources are in git, the .mo files are compiled from them here.
CATALOGUES := app/translations
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(CATALOGUES)/*/LC_MESSAGES/messages.po))
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@
catalogues: $(MO_FILES)

## After changing strings: extract them and update the .po files (then translate; docs/translations.md).
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location \
	  --sort-output -o $(CATALOGUES)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(CATALOGUES)/messages.pot -d $(CATALOGUES)

## Serve the portal on http://$(HOST):$(PORT) with the worker (mail, periodic jobs) beside it.
run: $(VENV)/.installed instance catalogues
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo "Portal on $(SITE_URL) (mail is printed here by the worker). Ctrl-C stops both."
	@echo "Demo admin and advocate need a sign-in code after the password: run"
	@echo "  $(BIN)/flask demo-totp admin@demo.example   (or advocate@demo.example)"
	@echo "or add the demo key DEMOPORTALTOTPDEMOPORTALTOTPDEMO to an authenticator app."
	@SITE_URL=$(SITE_URL) $(BIN)/flask worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  SITE_URL=$(SITE_URL) $(BIN)/flask run --with-threads --host $(HOST) --port $(PORT)

## Serve with gunicorn as production does (access log without addresses or tokens).
serve: $(VENV)/.installed catalogues
	SITE_URL=$(SITE_URL) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## The stream server (/live/*, gevent workers) beside `make serve`; a reverse proxy sends
## /live/ to it on the same origin (README, Production, "Streams"). `make run` needs neither:
## its threaded development server serves the streams too.
LIVE_PORT ?= 5001
serve-live: $(VENV)/.installed catalogues
	SITE_URL=$(SITE_URL) LIVE_BIND=$(HOST):$(LIVE_PORT) $(BIN)/gunicorn -c gunicorn_live.conf.py wsgi:app

## Run the whole suite (browser tests need /usr/bin/chromium; they say so when skipped).
test: $(VENV)/.installed-dev catalogues
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The same suite against PostgreSQL (needs TEST_DATABASE_URL, default the local server).
test-postgres: $(VENV)/.installed-dev catalogues
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

## Benchmarks against a bare Flask+SQLAlchemy reference (by hand, not part of `make test`).
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py

# The operations dashboard over 1,000,000 tickets (PostgreSQL; seeding takes a minute or so).
bench-dashboard: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py --dashboard

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

## After changing models: write the next migration (review it before committing).
migration: $(VENV)/.installed
	$(BIN)/flask db migrate -m "$(MESSAGE)"

worker: $(VENV)/.installed
	SITE_URL=$(SITE_URL) $(BIN)/flask worker

## Compile the pins from requirements.in and requirements-dev.in (pip-tools). Existing pins
## are kept; upgrade one package with UPGRADE="--upgrade-package NAME", all with UPGRADE=--upgrade.
PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links
requirements: $(VENV)/.installed-dev
	$(PIP_COMPILE) $(UPGRADE) -o requirements.txt requirements.in
	$(PIP_COMPILE) $(UPGRADE) -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) instance/portal.sqlite3*
