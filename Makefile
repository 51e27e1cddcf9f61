# Two entry points for a fresh machine: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
QUESTION ?= Qui a reçu le prix Nobel de la paix en 2016 ?

.PHONY: setup demo test test-fast lint bench train-reader clean

setup: $(VENV)/.installed

# torch first, pinned: its CPU build is served locally, an open requirement pulls CUDA.
# Elsewhere, TORCH_INDEX=https://download.pytorch.org/whl/cpu names the CPU wheels' index.
TORCH_INDEX ?=
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

demo: setup
	$(BIN)/newsqa ingest data/frwikinews/corpus.jsonl
	$(BIN)/newsqa ask "$(QUESTION)"

# What pre-commit runs too (.pre-commit-config.yaml): formatting, lint, types, layering.
lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/mypy --explicit-package-bases bench/*.py  # the scripts the README's figures come from
	$(BIN)/lint-imports --no-logo

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

# The tests that do not load the embedding model (fake encoder, synthetic passages): seconds.
test-fast: setup
	$(BIN)/pytest -q -p no:cacheprovider -m "not model"

bench: setup
	$(PY) bench/ingest_bench.py

# Re-train the answer reader (seeded; three runs of 45-140 min on 2 cores) and rewrite the PIAF
# train / validation split files: one reader on data/piaf-dev, one with the questions written
# over the news corpus too, one with the second file of news questions as well; the shipped
# reader in index/reading/weights/ is their blend, made in two steps as it was made.
READERS := .newsqa/readers
NEWS_QA := data/frwikinews/reader-questions.jsonl
NEWS_QA_2 := data/frwikinews/reader-questions-2.jsonl
NEWS_VALIDATION := data/frwikinews/reader-validation.jsonl
train-reader: setup
	$(PY) -m index.training --split-dir data/piaf-dev --out $(READERS)/piaf.safetensors
	$(PY) -m index.training --news-questions $(NEWS_QA) --news-validation $(NEWS_VALIDATION) \
		--out $(READERS)/news.safetensors
	$(PY) -m index.training --news-questions $(NEWS_QA) $(NEWS_QA_2) \
		--news-validation $(NEWS_VALIDATION) --out $(READERS)/news2.safetensors
	$(PY) -m index.training.blend $(READERS)/piaf.safetensors:0.7 $(READERS)/news.safetensors:0.3 \
		--out $(READERS)/blend1.safetensors
	$(PY) -m index.training.blend $(READERS)/blend1.safetensors:0.85 $(READERS)/news2.safetensors:0.15

clean:
	rm -rf $(VENV) .newsqa
