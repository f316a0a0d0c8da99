# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := webinars

.PHONY: run test install translations lint format extract-messages

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed

translations: install
	$(BIN)/pybabel -q compile -d webinars/translations

## Serve the demo on http://127.0.0.1:5000 with SQLite (instance/webinars.sqlite3).
run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## Lint, then the whole suite on SQLite; when TEST_DATABASE_URL is set, the same suite on
## PostgreSQL at the same time (one core each; their logs follow, SQLite's first).
test: translations
	./scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy | $(BIN)/mypy-baseline filter
	$(BIN)/vulture webinars vulture_whitelist.py
	@if [ -z "$$TEST_DATABASE_URL" ]; then \
	  $(BIN)/pytest; \
	else \
	  TEST_DATABASE_URL= TEST_REDIS_URL= $(BIN)/pytest -p no:cacheprovider > .pytest-sqlite.log 2>&1 & lite=$$!; \
	  $(BIN)/pytest -p no:cacheprovider > .pytest-postgresql.log 2>&1; pg=$$?; \
	  wait $$lite; lite=$$?; \
	  echo "== the suite on SQLite =="; cat .pytest-sqlite.log; \
	  echo "== the same suite on PostgreSQL =="; cat .pytest-postgresql.log; \
	  test $$lite -eq 0 && test $$pg -eq 0; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy | $(BIN)/mypy-baseline filter
	$(BIN)/vulture webinars vulture_whitelist.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the Spanish catalog after changing user-facing strings.
extract-messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -o webinars/translations/messages.pot .
	$(BIN)/pybabel -q update -i webinars/translations/messages.pot -d webinars/translations -l es
