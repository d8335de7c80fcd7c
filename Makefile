# Every target sets up what it needs: a fresh clone with Python 3.11, pip and make is enough.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GEN_VENV := .venv-generate
GEN_BIN := $(GEN_VENV)/bin
# The spec's own tools (the linter; the TypeScript generator and compiler of the TypeScript proof),
# pinned with everything they import in spec/tools/package-lock.json; node and npm are all it needs.
SPEC_TOOLS := spec/tools
NODE_BIN := $(SPEC_TOOLS)/node_modules/.bin
# Redocly CLI sends no usage data and checks for no updates: its version is pinned on purpose.
REDOCLY := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(NODE_BIN)/redocly

.PHONY: demo record record-live test generate unasync check-generated lint spec-check languages languages-apt venv clean bench bench-quick

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

# The bench extra: the peers measured beside x-compliance (tweepy, xdk, twarc) and a profiler.
$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

$(GEN_BIN)/.installed: spec/generator-requirements.txt
	test -x $(GEN_BIN)/python || $(PYTHON) -m venv $(GEN_VENV)
	$(GEN_BIN)/python -m pip install --quiet -r spec/generator-requirements.txt
	touch $@

$(SPEC_TOOLS)/node_modules/.installed: $(SPEC_TOOLS)/package.json $(SPEC_TOOLS)/package-lock.json
	npm ci --prefix $(SPEC_TOOLS) --no-audit --no-fund --ignore-scripts
	touch $@

# generate(OUT): write the generated package into OUT, from the spec, with the pinned generator.
define generate
	rm -rf $(1)
	PATH="$(CURDIR)/$(GEN_BIN):$$PATH" $(GEN_BIN)/openapi-python-client generate \
	  --path spec/compliance.yaml --config spec/generator-config.yaml \
	  --custom-template-path overrides/templates --meta none \
	  --output-path $(1) --fail-on-warning
	touch $(1)/py.typed  # --meta none leaves it out; the package ships typed
endef

generate: $(GEN_BIN)/.installed
	$(call generate,generated/x_compliance_api)

# The sync client, from the async one (its control flow is written once): overrides/scripts/unasync.py.
unasync: $(BIN)/.installed
	$(BIN)/python overrides/scripts/unasync.py

check-generated: $(GEN_BIN)/.installed $(BIN)/.installed
	$(BIN)/python overrides/scripts/unasync.py --check
	rm -rf .scratch/generated && mkdir -p .scratch
	$(call generate,.scratch/generated/x_compliance_api)
	diff -r -x __pycache__ generated/x_compliance_api .scratch/generated/x_compliance_api \
	  || { echo "generated/ differs from a fresh generation: run make generate and commit"; exit 1; }
	rm -rf .scratch/generated

lint: $(BIN)/.installed
	$(BIN)/ruff check overrides tests
	$(BIN)/ruff format --check overrides tests
	$(BIN)/mypy overrides/x_compliance

# The contract as a product: valid OpenAPI 3.1 whose examples and X's recorded bodies validate
# (pytest), clean under Redocly's `all` ruleset as configured in spec/redocly.yaml, and usable from
# a second language: TypeScript generated from it (into .scratch/) type-checks a client that uses
# the three operations, the job, the problems and the results record (tests/typescript/usage.ts).
spec-check: $(BIN)/.installed $(SPEC_TOOLS)/node_modules/.installed
	$(BIN)/python -m pytest -q tests/spec
	$(REDOCLY) lint --config spec/redocly.yaml --lint-config error --max-problems 1000 spec/compliance.yaml
	node $(SPEC_TOOLS)/generate-typescript.mjs spec/compliance.yaml .scratch/typescript/compliance.ts
	$(NODE_BIN)/tsc --project tests/typescript/tsconfig.json

# The contract proven in the languages other teams use (tests/languages/run.py): code generated for
# TypeScript (two generators), pydantic, Go, Java and this project's own client parses X's recorded
# bodies, unknown fields and enum values, absent optional fields and every timestamp form; prints
# the table of target x check and fails on any red cell. Go, the JDK and Jackson come from Debian
# (installed here when missing: CI runs as root), the generators from the pins in
# tests/languages/requirements.txt and spec/tools/package-lock.json.
LANGUAGES_APT := golang-go default-jdk-headless libjackson2-databind-java libjackson2-core-java \
  libjackson2-annotations-java libjakarta-annotation-api-java
LANG_VENV := .scratch/languages/venv

languages-apt:
	@missing=$$(for p in $(LANGUAGES_APT); do \
	  dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null | grep -qx installed || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(LANG_VENV)/.installed: tests/languages/requirements.txt
	test -x $(LANG_VENV)/bin/python || $(PYTHON) -m venv $(LANG_VENV)
	$(LANG_VENV)/bin/python -m pip install --quiet -r tests/languages/requirements.txt
	touch $@

languages: languages-apt $(BIN)/.installed $(GEN_BIN)/.installed $(LANG_VENV)/.installed $(SPEC_TOOLS)/node_modules/.installed
	mkdir -p .scratch/languages/python-client
	$(call generate,.scratch/languages/python-client/x_compliance_api)
	$(BIN)/python tests/languages/run.py

demo: $(BIN)/.installed
	$(BIN)/x-compliance demo

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# Re-record every cassette against a fresh in-process emulator.
record: $(BIN)/.installed
	rm -rf tests/cassettes/emulator
	$(BIN)/python -m pytest -q tests/recorded --record-mode=all -k "not hygiene"
	$(BIN)/python -m pytest -q tests/recorded

# The same tests against the real API (needs X_BEARER_TOKEN; jobs can take hours): tests/cassettes/live/.
record-live: $(BIN)/.installed
	@test -n "$$X_BEARER_TOKEN" || { echo "set X_BEARER_TOKEN to record against the real API"; exit 2; }
	X_COMPLIANCE_LIVE=1 $(BIN)/python -m pytest -q tests/recorded --record-mode=all \
	  --allowed-hosts=api.x.com,storage.googleapis.com

# Not part of `make test`: the full run takes minutes. ARGS passes options (ARGS="--only memory").
bench: $(BIN)/.bench-installed
	$(BIN)/python tests/benchmarks/bench.py $(ARGS)

bench-quick: $(BIN)/.installed
	$(BIN)/python tests/benchmarks/bench.py --quick $(ARGS)

clean:
	rm -rf $(VENV) $(GEN_VENV) .scratch $(SPEC_TOOLS)/node_modules
