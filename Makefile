# Goldthread: `make run` serves the demo council on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
# make run is a developer's server: DEBUG on unless the caller says otherwise.
DEV := DEBUG=$${DEBUG:-1}
# Lint and type checks import the settings, as the tests do.
CHECK := GOLDTHREAD_TESTING=1

.PHONY: run test lint bench bench-compare install migrate demo clean

$(BIN)/python:
	$(PYTHON) scripts/bootstrap_venv.py $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV) $(BIN)/python manage.py load_demo --if-empty

# The packs, reminders and audits run on their real schedule from Celery beat, in another terminal.
run: demo
	@echo "The real schedule (report packs every 10 minutes, 07:00 reminders): in another terminal"
	@echo "  DEBUG=1 $(BIN)/celery -A config beat --loglevel INFO"
	@echo "runs each task itself, in process, with no broker. With Redis, start the server, beat and"
	@echo "a worker, each with CELERY_BROKER_URL=redis://127.0.0.1:6379/0; the worker:"
	@echo "  DEBUG=1 CELERY_BROKER_URL=redis://127.0.0.1:6379/0 $(BIN)/celery -A config worker --loglevel INFO"
	$(DEV) $(BIN)/python manage.py runserver $(HOST)

# Spread over the machine's cores by pytest-xdist, each test file on one worker (module worlds
# are built once), the longest files first (tests/durations.json, by tests/conftest.py; xdist's
# own reorder, by number of tests, would leave the long browser files to the end); `make test
# PYTEST_XDIST=` runs in one process, PYTEST_ARGS adds to it (-k, files, -n 0 …).
PYTEST_XDIST ?= -n auto --dist loadfile --no-loadscope-reorder
# Bytecode kept even where the environment says not to (PYTHONDONTWRITEBYTECODE): pytest then
# rewrites each test module's asserts once, not in every worker on every run.
test: install
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(CHECK) $(BIN)/mypy .
	$(CHECK) $(BIN)/python manage.py makemigrations --check --dry-run

# The benchmarks: on PostgreSQL when DATABASE_URL names one (scratch databases beside it), else
# SQLite. BENCH_CASES=dashboard,import runs a subset; see benchmarks/README.md.
bench: install
	$(DEV) $(BIN)/python -m benchmarks.run

bench-compare: install
	@test -n "$(REF)" || { echo "usage: make bench-compare REF=<commit> [BENCH_CASES=…]"; exit 2; }
	$(DEV) $(BIN)/python -m benchmarks.compare "$(REF)"

clean:
	rm -rf $(VENV) db.sqlite3 media/
