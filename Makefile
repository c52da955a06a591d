# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-stamp
NODE_TOOLS := node_modules/.installed-stamp

.PHONY: run test lint translations

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Lighthouse for the browser tests (npm registry; the site itself needs no Node).
$(NODE_TOOLS): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# Starts the site on SQLite in instance/ (schema upgraded, secret key generated on first run).
run: $(INSTALLED)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app run

# Lint, then the whole suite on SQLite; then again on PostgreSQL when TEST_POSTGRES_URL is set
# (.ci/run starts a throwaway server and sets it).
test: $(INSTALLED) $(NODE_TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/pytest; \
	fi

# After changing interface text: extract, merge into the Korean catalog, compile.
translations: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs '.* __pycache__ node_modules' \
		--no-location -o /tmp/blog-messages.pot .
	$(BIN)/pybabel update -i /tmp/blog-messages.pot -d blog/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d blog/translations
