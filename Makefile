# Every target creates .venv when it is missing, so a fresh clone needs only `make test` or `make serve`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: serving needs the project alone; the tests (and lint, bench, screenshots) need its
# test extras too. The test install holds everything serving needs, so it stamps both.
SERVE_STAMP := $(VENV)/.installed-serve
TEST_STAMP := $(VENV)/.installed-test
LINT_PATHS := $(wildcard src tests scripts benchmarks)

.PHONY: install test lint format validate serve bench soak screenshots clean

$(SERVE_STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(SERVE_STAMP)

$(TEST_STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(TEST_STAMP) $(SERVE_STAMP)

install: $(TEST_STAMP)

# pytest exits 5 when it collected nothing: a run with no test is a failure, said in plain words.
test: $(TEST_STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no test" >&2; exit 1; fi; exit $$rc

lint: $(TEST_STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

format: $(TEST_STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

validate: $(SERVE_STAMP)
	$(BIN)/krakow-clusters validate

# Installs (the project alone, no test extras), validates, builds dist/ and serves on
# http://127.0.0.1:8000 (Ctrl-C stops it); the access log goes to standard error.
# build validates first (and builds nothing, exit 1, when the data does not conform).
serve: $(SERVE_STAMP)
	$(BIN)/krakow-clusters build
	$(BIN)/krakow-clusters serve --host 127.0.0.1 --port 8000

# The benchmark harness (benchmarks/run.py): every size (10k, 100k, 1M; long: about an hour
# at 1M) or one with `make bench SIZE=100k`, cold start and serve on the real data, then it
# rewrites BENCHMARKS.md. Generated graphs and results are kept in benchmarks/data/ (git-ignored).
SIZE ?=
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py $(if $(SIZE),--size $(SIZE))

# The soak benchmark (benchmarks/soak.py): its own server on loopback under a mixed load of pages,
# saved queries and slow SPARQL for a few minutes (bounded in time and requests); its figures go
# into BENCHMARKS.md's "Soak" section.
soak: $(TEST_STAMP)
	$(BIN)/python benchmarks/soak.py

# The README's screenshots (docs/screenshots/*.png): builds the real data into a temporary folder,
# serves it on a free loopback port and photographs the pages in headless chromium
# (scripts/screenshots.py; optipng recompresses them when it is installed).
screenshots: $(TEST_STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) dist .pytest_cache .ruff_cache
