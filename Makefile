# Quick start: `make run` (set up and serve) and `make test` (set up and run the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
export PORT HOST

.PHONY: install run test migrate manage worker js-e2e iam-diff

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Any management command, run by the venv's Python on a migrated database:
# make manage ARGS="createaccesskey --root"
manage: install
	@$(BIN)/python manage.py migrate --noinput -v 0
	@$(BIN)/python manage.py $(ARGS)

# granian, two workers per CPU and one more (config/serve.py); static files by WhiteNoise.
# With REDIS_URL set, `run` also starts a Celery worker with the beat schedule for triggers, mail,
# SMS and purging (the production shape).
run: migrate
	$(BIN)/python manage.py bootstrap
	$(BIN)/python manage.py relayoutbox
	@if [ -n "$$REDIS_URL" ]; then \
		$(BIN)/celery -A config worker --beat -Q triggers,celery -l info & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(BIN)/python -m config.serve; \
	else \
		exec $(BIN)/python -m config.serve; \
	fi

worker: migrate
	$(BIN)/celery -A config worker -Q triggers,celery -l info

# The real-client tests drive amazon-cognito-identity-js through Node (skipped without node, outside CI).
JS_E2E := tests/e2e/js
$(JS_E2E)/node_modules/.package-lock.json: $(JS_E2E)/package-lock.json
	cd $(JS_E2E) && npm ci --no-audit --no-fund --silent

js-e2e:
	@if command -v npm >/dev/null; then $(MAKE) -s --no-print-directory $(JS_E2E)/node_modules/.package-lock.json; fi

# The IAM evaluator's differential test runs @cloud-copilot/iam-simulate (AGPL) as a separate Node process.
IAM_DIFF := tests/iam/differential
$(IAM_DIFF)/node_modules/.package-lock.json: $(IAM_DIFF)/package-lock.json
	cd $(IAM_DIFF) && npm ci --no-audit --no-fund --silent

iam-diff:
	@if command -v npm >/dev/null; then $(MAKE) -s --no-print-directory $(IAM_DIFF)/node_modules/.package-lock.json; fi

# Lint and type-check first (configured in pyproject.toml): either failing fails the target.
test: install js-e2e iam-diff
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)
