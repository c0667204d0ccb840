# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 5000
HOST    ?= 127.0.0.1
PYTHON  ?= python3
TRANSLATIONS := coordination/translations
export FLASK_APP := app

.PHONY: run test install translations messages lint format clean bench

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

# Compiled catalogues (.mo) are build output; the .po files are the source.
translations: install
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

# HTTPS=1: serve the hall network (all addresses) over HTTPS, so door phones may use the camera.
# Logs as text here; production (gunicorn) writes JSON lines.
run: export LOG_FORMAT ?= plain
run: translations
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

test: translations
	$(BIN)/pytest $(PYTEST_ARGS)

# After changing user-visible text: refresh the catalogues, then translate the new entries.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name '*.mo' -path './coordination/*' -delete

# Benchmarks against the targets in the issues; QUICK=1 for a short run while developing.
bench: translations
	$(BIN)/python -m bench.run $(if $(QUICK),--quick,)
