# visitgis — the targets people and CI share.
#   make run    set up, migrate, load the demo city, start the mock carriers, serve GraphQL
#   make test   set up if needed and run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 7

VISITGIS_MOCK_TELECOM_PORT ?= 8701
VISITGIS_MOCK_MOBILE_PORT  ?= 8702

# `make run` talks to the mock carriers over real SOAP (contrib/mock_carriers), through a region
# file written for their ports (var/demo_region.toml) unless VISITGIS_CARRIERS_FILE names one
run: export VISITGIS_MOCK_TELECOM_PORT := $(VISITGIS_MOCK_TELECOM_PORT)
run: export VISITGIS_MOCK_MOBILE_PORT := $(VISITGIS_MOCK_MOBILE_PORT)
run: export VISITGIS_CARRIER_PASSWORD ?= CHANGE-ME

.PHONY: setup lock run serve browser test lint typecheck format schema schema-check bench image-smoke screenshots clean

# Installs come from constraints.txt (exact versions, made by `make lock`), so a fresh clone
# gets the versions CI tested.
$(STAMP): pyproject.toml contrib/parlayx_adapter/pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]' -e contrib/parlayx_adapter
	@touch $@

lock:  ## re-resolve every dependency (also the benchmark peers) into constraints.txt
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[dev,bench]' -e contrib/parlayx_adapter
	{ echo "# Exact versions for \`make setup\`, CI and \`make bench\`; regenerate with \`make lock\`."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | LC_ALL=C sort -f; } > constraints.txt
	rm -rf .lock-venv

setup: $(STAMP)

run: setup
	$(BIN)/visitgis db upgrade
	$(BIN)/visitgis demo seed --seed $(SEED) --if-empty
	@bash contrib/demo/run.sh $(HOST) $(PORT)

serve: setup
	$(BIN)/visitgis serve --host $(HOST) --port $(PORT)

browser:  ## the OS's Chromium (and CJK fonts for readable screenshots) for tests/contrib/console
	@{ command -v chromium && fc-list :lang=zh | grep -q . ; } >/dev/null 2>&1 || \
	  { apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk; }

screenshots: setup browser  ## one PNG per console view under docs/console/ (real Chromium, demo city)
	VISITGIS_SCREENSHOTS_DIR=docs/console $(BIN)/python -m pytest -q -p no:cacheprovider tests/contrib/console/test_views.py

image-smoke: setup  ## build the Dockerfile's image with podman and run the system from it (root)
	contrib/deploy/smoke_image.sh

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy gql adapters geo tsp

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: setup
	$(BIN)/visitgis export-schema --output schema.graphql

schema-check: setup
	$(BIN)/visitgis export-schema --check schema.graphql

bench: setup  ## every benchmark of docs/benchmarks.md, each beside its peer (takes ~15 min)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python contrib/bench/bench_geo.py
	$(BIN)/python contrib/bench/bench_tsp.py exact --sizes 12,16,20,22,23,24,25 --repeats 5
	$(BIN)/python contrib/bench/bench_tsp.py heuristic
	$(BIN)/python contrib/bench/bench_tsp.py windows
	$(BIN)/python contrib/bench/adapters_bulkhead.py
	$(BIN)/python contrib/bench/persistence.py
	$(BIN)/python contrib/bench/audit_scoring.py
	$(BIN)/python contrib/bench/bench_audit_service.py
	$(BIN)/python contrib/bench/bench_partition.py
	$(BIN)/python contrib/bench/bench_territory_service_large.py
	$(BIN)/python contrib/bench/bench_api.py
	$(BIN)/python contrib/bench/bench_plans_publish.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
