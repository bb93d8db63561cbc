"""Fixtures for the callback tests."""
import json
import os

import pytest

FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "callbacks.json")


@pytest.fixture(scope="session")
def recorded():
    """What tf_keras 2.21 did (tests/fixtures/make_callbacks.py)."""
    with open(FIXTURE) as f:
        return json.load(f)
