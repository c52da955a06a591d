# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-stamp
NODE_TOOLS := node_modules/.installed-stamp
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint translations chromium

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

# The browser tests drive Debian's Chromium (never a downloaded one): as root it is installed
# here; otherwise one line says the command to run.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's Chromium for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
		else \
			echo "The browser tests need Debian's Chromium: sudo apt-get install chromium"; exit 1; \
		fi; \
	fi

# Starts the site on SQLite in instance/ (schema upgraded, secret key generated on first run).
run: $(INSTALLED)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app run

# Lint, then the whole suite on SQLite; then again on PostgreSQL when TEST_POSTGRES_URL is set
# (.ci/run starts a throwaway server and sets it).
test: $(INSTALLED) $(NODE_TOOLS) chromium
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
