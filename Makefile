# Two commands set everything up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
# uv from PATH, or the one pip installs as a module (`python3 -m uv`) on a fresh machine.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen
DEMO_SEED ?= 2026

.PHONY: install oidc-provider demo serve test lint typecheck pytest pytest-sqlite pytest-postgres bench static messages clean

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --frozen --quiet

demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: install
	@$(RUN) sammen migrate --no-input -v 0
	@$(RUN) sammen demo_data --seed $(DEMO_SEED) --if-empty
	@$(RUN) sammen demo_logins
	@echo "Sammen kjører på http://127.0.0.1:$(PORT)  (Ctrl+C stopper)"
	@$(RUN) sammen run_scheduler & scheduler=$$!; \
	  trap "kill $$scheduler 2>/dev/null" EXIT INT TERM; \
	  $(RUN) gunicorn sammen.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - --log-level warning

test: install oidc-provider lint typecheck pytest

# The real OpenID provider the login tests start (npm oidc-provider, tests/oidc_provider/), from
# its lock file. Reinstalled when the lock file changes; without Node.js the login tests that need
# it are skipped, and this says so.
OIDC_PROVIDER := tests/oidc_provider
oidc-provider:
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "Node.js (npm) is not installed: the login tests against a real OpenID provider will be skipped."; \
	elif [ ! -f $(OIDC_PROVIDER)/node_modules/.package-lock.json ] || \
	     [ $(OIDC_PROVIDER)/package-lock.json -nt $(OIDC_PROVIDER)/node_modules/.package-lock.json ]; then \
	  npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error; \
	fi

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck:
	$(RUN) mypy sammen tests bench

pytest: pytest-sqlite pytest-postgres

pytest-sqlite:
	env -u DATABASE_URL $(RUN) pytest -q

pytest-postgres:
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== PostgreSQL: $$DATABASE_URL"; $(RUN) pytest -q; \
	else echo "DATABASE_URL is not set: the PostgreSQL run is skipped."; fi

bench: install
	$(RUN) python -m bench

static:
	bash scripts/vendor_static.sh

messages:
	cd sammen && $(RUN) sammen makemessages -l nb -l en --no-obsolete && $(RUN) sammen compilemessages

clean:
	rm -rf .venv data .mypy_cache .ruff_cache
