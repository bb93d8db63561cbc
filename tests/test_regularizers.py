"""Regularizers against tf_keras 2.21 values (tests/fixtures/make_numerics.py)."""
import os

import numpy as np
import pytest
import torch

from torchkeras_compat import regularizers

REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "numerics.npz"))
W = torch.from_numpy(REF["con.in.w"])


@pytest.mark.parametrize("key,reg", [
    ("l1", lambda: regularizers.l1(0.03)), ("l2", lambda: regularizers.l2(0.02)),
    ("l1_l2", lambda: regularizers.l1_l2(l1=0.01, l2=0.05)), ("l2_default", lambda: regularizers.l2()),
])
def test_penalties_match_keras(key, reg):
    value = reg()(W)
    assert value.dim() == 0
    np.testing.assert_allclose(value.numpy(), REF[f"reg.{key}"], rtol=1e-6)


def test_configs_names_and_custom_callables():
    assert regularizers.get("l2").get_config() == {"l2": pytest.approx(0.01)}
    reg = regularizers.L1L2(l1=0.1, l2=0.2)
    again = regularizers.deserialize(regularizers.serialize(reg))
    assert isinstance(again, regularizers.L1L2) and again.get_config() == reg.get_config()
    assert regularizers.L2(l=0.5).l2 == 0.5  # Keras 1 spelling

    def my_reg(w):
        return 0.01 * torch.sum(torch.abs(w))
    assert regularizers.get(my_reg) is my_reg
    with pytest.raises(ValueError, match="'l1_l2'"):
        regularizers.get("l1l3")
    with pytest.raises(ValueError, match="non-negative"):
        regularizers.L1(-1.0)


def test_gradient_flows_through_penalty():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    regularizers.L1L2(l1=0.1, l2=0.5)(w).backward()
    np.testing.assert_allclose(w.grad.numpy(), [0.1 + 1.0, -0.1 - 2.0])


def test_orthogonal_regularizer_matches_keras():
    w = torch.from_numpy(REF["reg.in.orth"])
    np.testing.assert_allclose(regularizers.OrthogonalRegularizer(0.1)(w).numpy(), REF["reg.orth_rows"], rtol=1e-5)
    np.testing.assert_allclose(regularizers.OrthogonalRegularizer(0.2, mode="columns")(w).numpy(),
                               REF["reg.orth_columns"], rtol=1e-5)


def test_name_l1_l2_uses_the_functions_defaults():
    # Dense(kernel_regularizer='l1_l2') penalises with 0.01/0.01 in Keras, not L1L2()'s zeros
    assert regularizers.get("l1_l2").get_config() == pytest.approx({"l1": 0.01, "l2": 0.01})
    assert regularizers.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}
