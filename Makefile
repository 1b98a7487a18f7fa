# Tandem: `make run` serves a demo workshop; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# Simulated people in the demo workshop `make run` creates (0: an empty workshop).
DEMO_PARTICIPANTS ?= 30
# The address phones use: this machine's first network address, unless TANDEM_BASE_URL says otherwise.
HOST_IP  := $(shell ip=$$(hostname -I 2>/dev/null | awk '{print $$1}'); echo $${ip:-localhost})
BASE_URL := $(or $(TANDEM_BASE_URL),http://$(HOST_IP):$(PORT))
export FLASK_APP := app

.PHONY: run test test-postgres install translations messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,postgres,redis]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations --statistics

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --participants $(DEMO_PARTICIPANTS) --base-url "$(BASE_URL)"
	TANDEM_BASE_URL="$(BASE_URL)" $(BIN)/gunicorn --config gunicorn.conf.py --bind 0.0.0.0:$(PORT) 'app:create_app()'

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The same suite on a throwaway PostgreSQL + Redis (needs Debian's postgresql and redis-server).
test-postgres: install
	tests/with_services.sh $(MAKE) --no-print-directory test

# Extract new messages and merge them into the catalogues (then translate app/translations/hu).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
