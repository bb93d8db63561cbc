# Two commands, each setting itself up on a fresh machine with only Python 3:
#   make demo   -> an unmodified old Keras tutorial trained, evaluated, saved and reloaded on PyTorch
#   make test   -> the test suite (CI runs this through .ci/run)
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: demo test setup conformance bench clean

$(VENV)/.installed: pyproject.toml
	@echo "Setting up $(VENV): PyTorch (CPU build) and this package; this takes a few minutes..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

demo: setup
	cd examples && ../$(PY) -m torchkeras_compat keras_tutorial.py

test: setup
	$(PY) -m pytest -q -p no:cacheprovider tests

conformance: setup
	$(PY) ../shared/conformance/run.py check --impl facade ../shared/conformance/cases --expected ../shared/conformance/expected

bench: setup
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
