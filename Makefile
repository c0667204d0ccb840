# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 5000
HOST    ?= 127.0.0.1
PYTHON  ?= python3
TRANSLATIONS := coordination/translations
export FLASK_APP := app

.PHONY: run test install install-dev translations messages lint format clean bench screenshots css document-pictures

# The runtime needs requirements.txt only; tests, benchmarks and linting add requirements-dev.txt.
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

install-dev: $(BIN)/.installed-dev

# Compiled catalogues (.mo) are build output; the .po files are the source.
translations: install
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

# HTTPS=1: serve the hall network (all addresses) over HTTPS, so door phones may use the camera.
# Logs as text here; production (gunicorn) writes JSON lines.
run: export LOG_FORMAT ?= plain
run: translations
	$(BIN)/flask compress-static
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@echo ""
	@echo "  Demo organiser: panitia@dekopinda.example / rakor-demo"
	@echo "  (admin: admin@rakor.example / rakor-admin, door: pintu@dekopinda.example / rakor-pintu)"
ifeq ($(HTTPS),1)
	$(BIN)/flask tls-cert --port $(PORT)
	@echo ""
	$(BIN)/flask run --host $(if $(filter command line,$(origin HOST)),$(HOST),0.0.0.0) --port $(PORT) \
		--cert instance/tls/rakor.crt --key instance/tls/rakor.key
else
	@echo "  Rakor runs at http://$(HOST):$(PORT)"
	@echo ""
	$(BIN)/flask run --host $(HOST) --port $(PORT)
endif

# The whole suite on every core (pytest-xdist, one worker per core, a test file per worker at a
# time); it writes nothing into the tracked tree. PYTEST_ARGS adds or overrides options.
TEST_WORKERS ?= auto
test: install-dev translations
	@start=$$(date +%s); status=0; \
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS) || status=$$?; \
	echo "make test: wall time $$(( $$(date +%s) - start )) s"; exit $$status

# Refresh README's screenshots in docs/screenshots (the suite writes its own to a temporary folder).
screenshots: install-dev translations
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -q tests/browser/test_pages.py tests/browser/test_api_docs.py \
		tests/browser/test_self_checkin.py

# README's pictures of the documents' first pages (docs/screenshots/document-*.png), from the
# demo meeting in a temporary database; never part of `make test`.
document-pictures: install-dev translations
	$(BIN)/python -m tools.document_pictures

# After changing user-visible text: refresh the catalogues, then translate the new entries.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

# Pico CSS cut down to what the templates use (static/vendor/pico/pico.rakor.css, committed);
# a test fails while it is stale.
css: install
	$(BIN)/python tools/subset_pico.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name '*.mo' -path './coordination/*' -delete

# Benchmarks against the targets in the issues; QUICK=1 for a short run while developing.
bench: install-dev translations
	$(BIN)/python -m bench.run $(if $(QUICK),--quick,)
