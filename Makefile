# Two commands for a fresh machine:
#   make run    create .venv, install (CPU torch first), build the model cache, ingest documents/, serve :8000
#   make test   the same set-up, then the whole test suite (real model, real Chroma, real API)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed
export ASSISTANT_CACHE_DIR ?= $(CURDIR)/.cache

.PHONY: install system-deps axe model ingest run serve test test-fast eval bench audit lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: 2.13.0 resolves to the local CPU build, not the multi-GB CUDA one
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Test-only system packages (root, Debian): DejaVu Sans for the Arabic PDF test, Chromium for the
# browser tests (Playwright drives Debian's Chromium; browsers cannot be downloaded here), and an
# Arabic font so screenshots show real glyphs, and PostgreSQL (the SQL tests also run on a throwaway
# server the tests start on 127.0.0.1).
SYSTEM_PACKAGES := fonts-dejavu-core chromium fonts-noto-core postgresql
# Document tests: Tesseract with its Arabic model (OCR of scanned PDF pages) and LibreOffice Writer
# (converts Word files to PDF as staff do); installed without recommends to keep CI set-up short.
DOCUMENT_PACKAGES := tesseract-ocr tesseract-ocr-ara libreoffice-writer-nogui
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@missing=""; for p in $(DOCUMENT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v npm >/dev/null 2>&1 || { echo "installing: npm"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }

# axe-core (npm registry, pinned in tests/browser/axe/package-lock.json) for the accessibility checks
# of the browser tests; node_modules/ is not committed.
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	npm ci --prefix tests/browser/axe --no-audit --no-fund --loglevel=error
	touch $(AXE)

axe: $(AXE)

model: install
	$(BIN)/assistant build-model

ingest: model
	$(BIN)/assistant ingest

run: ingest
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

serve:
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

test: model system-deps axe
	$(BIN)/pytest -q -ra

test-fast: install
	$(BIN)/pytest -q -m "not model and not server"

eval: ingest
	$(BIN)/assistant eval --dataset evalsets/questions.jsonl

bench: ingest
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/ingest_throughput.py
	$(BIN)/python benchmarks/chat_latency.py

# Known vulnerabilities in the installed dependencies: fails when one has a fixed version.
audit: install
	mkdir -p artifacts
	$(BIN)/pip-audit --skip-editable --progress-spinner off -f json -o artifacts/pip-audit.json || true
	$(BIN)/python scripts/check_audit.py artifacts/pip-audit.json

lint: install
	$(BIN)/ruff check assistant api embeddings tests benchmarks

clean:
	rm -rf $(VENV) data .cache .pytest_cache tests/browser/axe/node_modules
