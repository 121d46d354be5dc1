# Two commands: `make run` (the stack on embedded defaults) and `make test` (every suite).
SHELL := /bin/bash
PY ?= python3
BOT := .venv/bot/bin
BE := .venv/backend/bin
RASA_ARGS := --config bot/config.yml --domain bot/domain.yml

.PHONY: run test setup train browser validate test-backend test-actions test-conversations test-e2e test-personas clean

run:
	$(PY) scripts/stack.py run

setup:
	$(PY) scripts/stack.py setup

train:
	$(PY) scripts/stack.py train

# Debian's Chromium for the end-to-end tests; never a browser downloaded by a test tool. The CJK font
# makes the screenshots of Chinese pages readable.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  echo "==> Installing Debian's chromium, chromium-driver and fonts-noto-cjk"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk; \
	fi

validate:
	$(BOT)/python scripts/validate_bot.py

test-backend:
	$(BE)/pytest tests/backend -q

test-actions:
	$(BOT)/pytest tests/actions -q -p no:cacheprovider

test-conversations:
	$(BOT)/rasa test core --stories tests/conversations --model models/ \
	  --fail-on-prediction-errors --out var/results/core

test-e2e:
	$(BE)/pytest tests/e2e -q

# Every persona (tests/personas/data) through the running stack; `make test` runs the fast ones.
test-personas:
	$(PY) scripts/stack.py train
	$(BE)/pytest tests/personas -q

# Order: fast and narrow first; the last command is pytest, so the run ends in its summary line. Of the
# personas only the fast few (marker persona_fast), on the e2e tests' stack.
test: browser
	$(PY) scripts/stack.py train
	$(BOT)/pytest tests/actions -q -p no:cacheprovider
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory test-conversations
	$(BE)/pytest tests/backend tests/e2e tests/personas tests/test_repository.py -m "not persona or persona_fast"

clean:
	rm -rf var models .rasa
