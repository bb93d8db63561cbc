"""Constraints against tf_keras 2.21 values (tests/fixtures/make_numerics.py)."""
import os

import numpy as np
import pytest
import torch

from torchkeras_compat import constraints

REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "numerics.npz"))
W = torch.from_numpy(REF["con.in.w"])


@pytest.mark.parametrize("key,make", [
    ("max_norm", lambda: constraints.MaxNorm(2.0)),
    ("max_norm_axes", lambda: constraints.max_norm(1.5, axis=[0, 1, 2])),
    ("non_neg", lambda: constraints.get("non_neg")),
    ("unit_norm", lambda: constraints.UnitNorm(axis=-1)),
    ("min_max_norm", lambda: constraints.MinMaxNorm(0.5, 1.5, rate=0.7, axis=0)),
])
def test_constraints_match_keras(key, make):
    np.testing.assert_allclose(make()(W).numpy(), REF[f"con.{key}"], rtol=1e-5, atol=1e-6)


def test_configs_and_names():
    c = constraints.MaxNorm(max_value=3, axis=[0, 1])
    again = constraints.deserialize(constraints.serialize(c))
    assert isinstance(again, constraints.MaxNorm) and again.get_config() == {"max_value": 3, "axis": [0, 1]}
    assert isinstance(constraints.get("maxnorm"), constraints.MaxNorm)  # Keras 1 name
    assert constraints.get(None) is None
    with pytest.raises(ValueError, match="'unit_norm'"):
        constraints.get("unit_nrm")


@pytest.mark.parametrize("size", [3, 4, 5])
def test_radial_constraint_matches_keras(size):
    w = torch.from_numpy(REF[f"con.in.radial{size}"])
    np.testing.assert_array_equal(constraints.RadialConstraint()(w).numpy(), REF[f"con.radial{size}"])
