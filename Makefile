# Marquee: the one place that knows how to set things up.
#   make run    development server with demo data on http://127.0.0.1:8000
#   make test   lint, migration check and the whole test suite (browser tests included)
#   make serve  production-like: DEBUG off, collectstatic, gunicorn

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run serve test lint format migrate demo browser bench clean soak backup restore node css lighthouse screenshots long-thread

help:
	@echo "make run    - set up and serve the demo site on http://$(HOST):$(PORT)"
	@echo "make test   - ruff, makemigrations --check and the whole pytest suite"
	@echo "make serve  - production-like server (gunicorn, DEBUG off)"
	@echo "make bench  - benchmarks over HTTP: reads, posting, mixed load (bench/README.md)"
	@echo "make backup - SQLite database (online, consistent) and media into backups/<timestamp>/"
	@echo "make restore BACKUP=backups/<timestamp> - put one back (stop the server first)"
	@echo "make soak   - 50 clients against gunicorn for SOAK_SECONDS (60), one worker killed; nothing lost?"
	@echo "make lighthouse   - Lighthouse scores for the main pages (production-like server)"
	@echo "make screenshots  - Playwright screenshots into docs/screenshots/"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Marquee needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
	         "Run: make run PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

migrate: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  Marquee is starting on  http://$(HOST):$(PORT)/"
	@echo "  Admin (editors):        http://$(HOST):$(PORT)/admin/"
	@echo "  Logins are listed above. Stop with Ctrl-C."
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-like, over plain http on this machine: DEBUG off, hashed static files, gunicorn.
SERVE_ENV = DJANGO_DEBUG=0 DJANGO_STATIC_MANIFEST=1 \
  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-local-serve-$$(hostname)-not-for-production-use-only}" \
  DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
  DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-0}" \
  DJANGO_HSTS_SECONDS="$${DJANGO_HSTS_SECONDS:-0}" \
  DJANGO_SERVE_MEDIA="$${DJANGO_SERVE_MEDIA:-1}"

# Paths without query strings or referrers: a search for an address must not land in the log.
ACCESS_LOG = %(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms
serve: demo
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/gunicorn reviewsite.wsgi --bind $(HOST):$(PORT) --worker-class gthread \
	  --workers $${WEB_CONCURRENCY:-3} --threads 4 --access-logfile - --access-logformat '$(ACCESS_LOG)'

# Backups of the SQLite database and media (reviewsite/management/commands/backup.py); for
# PostgreSQL see README "Backups". The site's own environment (DATABASE_URL, DJANGO_MEDIA_ROOT,
# DJANGO_SECRET_KEY) decides what is backed up; without a secret key, development settings.
DEV_DEFAULT = [ -n "$$DJANGO_SECRET_KEY" ] || export DJANGO_DEBUG="$${DJANGO_DEBUG:-1}";
backup: $(VENV)/.installed
	$(DEV_DEFAULT) $(BIN)/python manage.py backup

restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/<timestamp>"; exit 2; }
	$(DEV_DEFAULT) $(BIN)/python manage.py restore "$(BACKUP)"

# Soak with a fault (bench/soak.py): a scratch database (SQLite, or <name>_soak beside
# DATABASE_URL's PostgreSQL database), gunicorn with the settings above, 50 clients, one worker
# SIGKILLed half-way. Exit status 1 if an acknowledged post is lost. `make test` runs a short one.
SOAK_SECONDS ?= 60
soak: $(VENV)/.installed
	$(SERVE_ENV) $(BIN)/python bench/soak.py --seconds $(SOAK_SECONDS)

# Browser tests need Chromium: install Debian's when we can; CI=true fails without it.
browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif [ "$$CI" = true ]; then \
	  echo "ERROR: $(CHROMIUM) is missing and cannot be installed; CI must run the browser tests."; exit 1; \
	else \
	  echo ""; echo "!!!!! $(CHROMIUM) is missing: BROWSER TESTS WILL BE SKIPPED (apt-get install chromium) !!!!!"; echo ""; \
	fi

# Test and audit tools from the npm registry (axe-core, Lighthouse): exactly the locked versions.
# Never served; no browser is downloaded (Lighthouse drives the system Chromium).
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "npm is missing: apt-get install nodejs npm (for axe-core and Lighthouse)"; exit 1; fi; \
	fi
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: node_modules/.installed

# The one stylesheet pages load: Bootstrap's used rules + static/css/*.css (after editing those).
css: node
	$(BIN)/python tools/build_css.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(VENV)/.installed-dev node browser lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Audits against a production-like server (DEBUG off, gunicorn, hashed static files) on a free
# port, over the demo data plus a review with 1,000 comments.
long-thread: demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --long-thread 1000 >/dev/null

lighthouse: long-thread node
	$(BIN)/python tools/lighthouse.py $(LIGHTHOUSE_ARGS)

screenshots: long-thread $(VENV)/.installed-dev browser
	$(BIN)/python tools/screenshots.py


# Benchmarks over HTTP under gunicorn (bench/README.md): the review page's reads on SQLite, then
# posting and the mixed load on SQLite and on PostgreSQL + Redis. BENCH_POSTGRES_URL names a
# scratch database that is dropped and created (its name must contain "bench"); when that
# server is not reachable the PostgreSQL part is skipped with a message.
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/marquee_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15
BENCH_ARGS ?=

bench: $(VENV)/.installed
	$(BIN)/python bench/reads.py $(BENCH_ARGS)
	$(BIN)/python bench/writes.py
	@if $(BIN)/python -c 'import sys, psycopg, dj_database_url as u; c = u.parse(sys.argv[1]); \
	    psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], dbname="postgres", connect_timeout=3).close()' \
	    "$(BENCH_POSTGRES_URL)" 2>/dev/null; then \
	  $(BIN)/python bench/writes.py --database-url "$(BENCH_POSTGRES_URL)" --redis-url "$(BENCH_REDIS_URL)"; \
	else \
	  echo ""; echo "!!!!! PostgreSQL is not reachable at $(BENCH_POSTGRES_URL): skipped its figures (set BENCH_POSTGRES_URL) !!!!!"; \
	fi

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache tests/browser/screenshots  # never backups/
