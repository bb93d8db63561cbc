"""Old-Keras scripts checked against values recorded from tf.keras 2 by the shared conformance runner:
the shared sample (../shared/conformance/cases) and the project's own (tests/conformance/cases).

The runner lives in ../shared/conformance/run.py beside the checkout (as in CI); without it these
tests are skipped.
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "conformance")
RUNNER = os.path.join(SHARED, "run.py")
SUITES = {"shared": (os.path.join(SHARED, "cases"), os.path.join(SHARED, "expected")),
          "own": (os.path.join(HERE, "cases"), os.path.join(HERE, "expected"))}


def _cases():
    found = []
    for suite, (cases, expected) in SUITES.items():
        if os.path.isdir(cases):
            found += [(suite, n) for n in sorted(os.listdir(cases)) if n.endswith(".py")
                      and os.path.exists(os.path.join(expected, n[:-3] + ".json"))]
    return found


@pytest.mark.skipif(not os.path.exists(RUNNER), reason="../shared/conformance/run.py not beside the checkout")
@pytest.mark.parametrize("suite,case", _cases())
def test_case_matches_keras(suite, case):
    cases, expected = SUITES[suite]
    out = subprocess.run([sys.executable, RUNNER, "check", "--impl", "facade", os.path.join(cases, case),
                          "--expected", expected, "-v"], capture_output=True, text=True, cwd=ROOT,
                         timeout=300, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
