"""Advanced activation layers against tf_keras 2.21 numbers and configs."""
import os
import sys

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_fixture_utils as U  # noqa: E402

from torchkeras_compat.layers.advanced_activations import (ELU, LeakyReLU, PReLU, ReLU, Softmax,  # noqa: E402
                                                           ThresholdedReLU)

CASES, ARRAYS = U.load("advanced_activations")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case):
    model = U.check(case, ARRAYS)
    U.check_configs(case, model)


def test_defaults_and_formulas():
    x = torch.linspace(-3, 3, 13)
    assert LeakyReLU().alpha == pytest.approx(0.3)
    torch.testing.assert_close(LeakyReLU()(x), torch.where(x > 0, x, 0.3 * x))
    torch.testing.assert_close(ThresholdedReLU(1.0)(x), x * (x > 1))
    torch.testing.assert_close(ReLU(max_value=2.0)(x), x.clamp(0, 2))
    torch.testing.assert_close(ELU(0.5)(x), torch.where(x > 0, x, 0.5 * (torch.exp(x) - 1)))


def test_prelu_shared_axes_weight_shape():
    layer = PReLU(shared_axes=[1, 2])
    layer(torch.zeros(2, 4, 5, 3))
    assert layer.get_weights()[0].shape == (1, 1, 3)
    layer.set_weights([np.full((1, 1, 3), 0.25, "float32")])
    y = layer(-torch.ones(1, 4, 5, 3))
    assert torch.allclose(y, torch.full_like(y, -0.25))


def test_softmax_mask_and_errors():
    x = torch.zeros(1, 4)
    mask = torch.tensor([[True, True, False, False]])
    y = Softmax()(x, mask=mask)
    torch.testing.assert_close(y, torch.tensor([[0.5, 0.5, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="negative"):
        ReLU(negative_slope=-1)
    with pytest.raises(ValueError, match="theta"):
        ThresholdedReLU(theta=-1)
