# One command runs what CI runs: `make test`. `make demo` is the two-command quick start.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test lint typecheck unit bench bench-core bench-speakers bench-stories bench-news bench-vectors bench-speed clean

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/askbot ask "What did Lavrov say about war?"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks bot.py
	$(BIN)/ruff format --check src tests benchmarks bot.py

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

bench-core: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py

bench-speakers: $(STAMP)
	$(BIN)/python benchmarks/bench_speakers.py

bench-stories: $(STAMP)
	$(BIN)/python benchmarks/bench_stories.py

# RealTimeQA 2023, time in the ranking: a quarter of the questions over the pages gathered
# for them (the whole set needs 63,000 passages embedded; --every 1 runs it).
bench-news: $(STAMP)
	$(BIN)/python benchmarks/bench_news_time.py --every 4

bench-vectors: $(STAMP)
	$(BIN)/python benchmarks/bench_vectors.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_eval.py
	$(BIN)/python benchmarks/bench_news_time.py --every 4
	$(BIN)/python benchmarks/bench_speakers.py
	$(BIN)/python benchmarks/bench_stories.py
	@if $(BIN)/python -c "import matplotlib" 2>/dev/null; then \
		$(BIN)/python benchmarks/plot_recall.py; \
	else echo "no plot: matplotlib is not installed (pip install -e '.[bench]')"; fi

clean:
	rm -rf $(VENV) embeddings/default .mypy_cache .pytest_cache .ruff_cache

# Backends side by side on SQuAD dev and SciFact subsets, then warm latency at 50k and 500k
# synthetic passages (built once into ~/.cache/askbot-bench: the first run takes a while).
bench-speed: $(STAMP)
	$(BIN)/python benchmarks/bench_speed.py --sizes 50000,500000
