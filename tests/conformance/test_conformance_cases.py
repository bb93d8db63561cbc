"""Run the project's own old-Keras scripts (tests/conformance/cases) through the shared conformance
runner and check them against the values recorded from tf.keras 2 (tests/conformance/expected).

The runner lives in ../shared/conformance/run.py beside the checkout (as in CI); without it the
test is skipped.
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(os.path.dirname(ROOT), "shared", "conformance", "run.py")
CASES = os.path.join(HERE, "cases")
EXPECTED = os.path.join(HERE, "expected")


def _cases():
    if not os.path.isdir(CASES):
        return []
    return sorted(n for n in os.listdir(CASES) if n.endswith(".py")
                  and os.path.exists(os.path.join(EXPECTED, n[:-3] + ".json")))


@pytest.mark.skipif(not os.path.exists(RUNNER), reason="../shared/conformance/run.py not beside the checkout")
@pytest.mark.parametrize("case", _cases())
def test_case_matches_keras(case):
    out = subprocess.run([sys.executable, RUNNER, "check", "--impl", "facade", os.path.join(CASES, case),
                          "--expected", EXPECTED, "-v"], capture_output=True, text=True, cwd=ROOT,
                         timeout=300, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
