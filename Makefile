# Every target sets up what it needs: a fresh clone with Python 3.11, pip and make is enough.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GEN_VENV := .venv-generate
GEN_BIN := $(GEN_VENV)/bin
# The generator's inputs: a change to any of them must be followed by `make generate`.
GEN_INPUTS := spec/compliance.yaml spec/generator-config.yaml $(wildcard overrides/templates/*.jinja)

.PHONY: test generate check-generated lint spec-check venv clean bench bench-quick

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

check-generated: $(GEN_BIN)/.installed
	rm -rf .scratch/generated && mkdir -p .scratch
	$(call generate,.scratch/generated/x_compliance_api)
	diff -r generated/x_compliance_api .scratch/generated/x_compliance_api \
	  || { echo "generated/ differs from a fresh generation: run make generate and commit"; exit 1; }
	rm -rf .scratch/generated

lint: $(BIN)/.installed
	$(BIN)/ruff check overrides tests
	$(BIN)/ruff format --check overrides tests
	$(BIN)/mypy overrides/x_compliance

spec-check: $(BIN)/.installed
	$(BIN)/python -m pytest -q tests/spec

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# Not part of `make test`: the full run takes minutes. ARGS passes options (ARGS="--only memory").
bench: $(BIN)/.bench-installed
	$(BIN)/python tests/benchmarks/bench.py $(ARGS)

bench-quick: $(BIN)/.installed
	$(BIN)/python tests/benchmarks/bench.py --quick $(ARGS)

clean:
	rm -rf $(VENV) $(GEN_VENV) .scratch
