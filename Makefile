# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed

# Python's bytecode caches (__pycache__/) are kept even under PYTHONDONTWRITEBYTECODE=1, as set
# on the project's machine: README "Tests" says what they save.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test worker lint format install migrate messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

## demo: install, migrate, load the demo network, serve on 127.0.0.1:$(PORT)
demo: migrate
	$(BIN)/python manage.py load_demo --port $(PORT)
	@echo ""
	@echo "  National site:  http://localhost:$(PORT)/"
	@echo "  Coventry:       http://coventry.localhost:$(PORT)/"
	@echo "  Admin:          http://localhost:$(PORT)/admin/  (admin / national-editor / coventry-editor / data-team, password: $${DEMO_PASSWORD:-demo})"
	@echo "  Outbox:         http://localhost:$(PORT)/dev/outbox/"
	@echo ""
	PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set): one process per
## CPU (TEST_WORKERS), a file's tests in one process, the longest first (tests/scheduling.py);
## alongside them, in a process and a database of their own, the tests that flush the database
## (real Celery workers and servers, mostly waiting on them), whose report follows (exit status
## 5 = none selected, e.g. with PYTEST_ARGS naming other files). The test databases and the demo
## in them are kept between runs (tests/demo_db.py); CREATE_DB=1 migrates them afresh, once for
## both, as CI does (the flushing tests always start from a new copy)
TEST_WORKERS ?= auto
CREATE_DB ?=
test: install
	@mkdir -p var
	@export TEST_RUN_ID=$$(date +%s%N); \
	$(BIN)/python -m pytest -m flushes_database $(if $(CREATE_DB),--create-db) $(PYTEST_ARGS) \
	  > var/test-flushing.log 2>&1 & flushing=$$!; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope -m "not flushes_database" \
	  $(if $(CREATE_DB),--create-db) $(PYTEST_ARGS); parallel=$$?; \
	wait $$flushing; flushed=$$?; \
	echo "== the tests that flush the database (run alongside, in their own database)"; \
	cat var/test-flushing.log; \
	{ test $$parallel -eq 0 || test $$parallel -eq 5; } && { test $$flushed -eq 0 || test $$flushed -eq 5; }

## worker: a Celery worker with beat, against REDIS_URL
worker: install
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker"; exit 2)
	mkdir -p var
	$(BIN)/celery -A cms worker --beat --schedule var/celerybeat-schedule --loglevel info --queues default --concurrency 2

## lint: ruff, migrations in step with the models, the import contracts (pyproject.toml),
## the size rule (tools/check_layout.py: modules <= 400 lines, functions <= 60) and the Welsh
## catalogue (tools/check_translations.py: every marked string translated, the .mo compiled)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tools/check_layout.py
	$(BIN)/python tools/check_translations.py

## messages: the strings marked in our code into cms/core/locale/cy/LC_MESSAGES/django.po (new
## empty, translations kept), then the .po compiled into the committed django.mo. Translate
## every empty msgstr, run it again, commit both. Needs gettext (msgfmt, xgettext). The ignore
## list is tools/check_translations.py's NOT_COPIED.
MESSAGES_IGNORE := -i '.venv/*' -i 'var/*' -i 'node_modules/*' -i 'tests/*' -i 'bench/*'
messages: install
	$(BIN)/python manage.py makemessages -l cy --no-location --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python tools/check_translations.py --compile

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var/ $(VENV)
