# network_crm: `make run` to use it, `make test` to test it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA := data
PORT ?= 8000
# Local, single-user mode on http://127.0.0.1: the HTTPS-only production defaults are relaxed.
LOCAL_ENV = DJANGO_SECRET_KEY="$$(cat $(DATA)/secret_key)" DJANGO_SECURE_SSL_REDIRECT=0 \
	NETWORK_CRM_ENCRYPTION_KEY="$${NETWORK_CRM_ENCRYPTION_KEY:-$$(cat $(DATA)/encryption_key)}" \
	NETWORK_CRM_CAPTURE_ALLOW_PRIVATE_HOSTS="$${NETWORK_CRM_CAPTURE_ALLOW_PRIVATE_HOSTS:-1}" \
	DJANGO_SECURE_COOKIES=0 DJANGO_HSTS_SECONDS=0 PORT=$(PORT) \
	VAPID_PRIVATE_KEY="$${VAPID_PRIVATE_KEY:-$$(cat $(DATA)/vapid_private_key 2>/dev/null)}"

.PHONY: run demo test install install-dev lock browser wrk dovecot check bench clean help

help:
	@echo "make run    set up and start web + worker + beat on http://127.0.0.1:$(PORT) (DEMO=1 adds demo data)"
	@echo "make demo   same as 'make run DEMO=1'"
	@echo "make test   set up and run the whole test suite"
	@echo "make bench  run the benchmark (see docs/performance.md)"
	@echo "make lock   re-lock requirements.lock and requirements-dev.lock after editing pyproject.toml"

# Two lock files: requirements.lock (what runs: `make run`, the Dockerfile) and
# requirements-dev.lock (that plus the test tools: `make test`, .ci/run). `make lock` makes both.
# caldav needs niquests, whose urllib3-future wheel installs a .pth file that copies itself over
# urllib3 at every start and breaks requests (schemathesis, apprise). Built from its source with
# URLLIB3_NO_OVERRIDE it stays in its own urllib3_future package, where niquests looks first.
PIP_INSTALL = URLLIB3_NO_OVERRIDE=1 $(BIN)/pip install --quiet --no-binary urllib3-future

$(BIN)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "network_crm needs Python 3.12 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(PIP_INSTALL) -r requirements.lock
	@touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.lock
	$(PIP_INSTALL) -r requirements-dev.lock
	@touch $@

install: $(BIN)/.installed

install-dev: $(BIN)/.installed-dev

# After editing the dependencies in pyproject.toml: re-lock both files (pins already there are
# kept unless the change needs others; the dev lock is held to the runtime lock's versions).
lock: install
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.12 --no-header -o requirements.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.12 --no-header \
		-c requirements.lock -o requirements-dev.lock
	@$(call lock_header,requirements.lock,Runtime: the [project] dependencies of pyproject.toml (make run and the Dockerfile).)
	@$(call lock_header,requirements-dev.lock,Development: the runtime lock plus the [dev] extra of pyproject.toml (make test and .ci/run).)

# Puts the header on a lock file: $(1) the file, $(2) what it holds.
define lock_header
	{ echo '# $(2)'; \
	  echo '# Made by "make lock" (uv pip compile): add dependencies to pyproject.toml, then run "make lock".'; \
	  grep -v '^#' $(1); } > $(1).tmp && mv $(1).tmp $(1)
endef

$(DATA)/secret_key:
	@mkdir -p $(DATA)
	@$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

# The key that encrypts calendar and mailbox passwords: a file of its own, so a copy of the
# database alone (a backup) reveals none, and a new secret key does not lose them.
$(DATA)/encryption_key:
	@mkdir -p $(DATA)
	@$(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > $@
	@chmod 600 $@

# Web push to the installed app needs a VAPID key pair; made once, like the secret key.
$(DATA)/vapid_private_key: | $(BIN)/.installed
	@mkdir -p $(DATA)
	@$(BIN)/python -c 'from notifications.vapid import generate_keys; print(generate_keys()[0])' > $@
	@chmod 600 $@

run: install $(DATA)/secret_key $(DATA)/encryption_key $(DATA)/vapid_private_key
	@$(LOCAL_ENV) $(BIN)/python manage.py ensure_database
	@$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput
	@$(LOCAL_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@$(LOCAL_ENV) $(BIN)/python manage.py ensure_login
	@if [ -n "$(DEMO)" ]; then $(LOCAL_ENV) $(BIN)/python manage.py seed_demo --user "$${NETWORK_CRM_USER:-me}" --if-empty; fi
	@$(LOCAL_ENV) $(BIN)/python manage.py scan_now
	@echo "network_crm: http://127.0.0.1:$(PORT)  (Ctrl-C stops web, worker and beat)"
	@$(LOCAL_ENV) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

demo:
	@$(MAKE) run DEMO=1

# A Debian package, installed when its command is missing (as root, else through sudo).
define apt_install
	@command -v $(1) >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); }
endef

# A Debian package whose command has another name: $(1) the command, $(2) the package.
define apt_install_pkg
	@command -v $(1) >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2); }
endef

# Browser tests drive Debian's chromium.
browser:
	$(call apt_install,chromium)

# The benchmark's load phase drives wrk when it is there (a Python client otherwise, which
# takes CPU from the server it measures on a small machine).
wrk:
	$(call apt_install,wrk)

# The IMAP tests start their own dovecot (Debian's dovecot-imapd) in a temporary folder.
dovecot:
	$(call apt_install_pkg,dovecot,dovecot-imapd)

test: install-dev browser dovecot
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

bench: install wrk $(DATA)/secret_key $(DATA)/encryption_key
	@$(LOCAL_ENV) $(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
