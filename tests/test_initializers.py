"""Initializers: shapes, Keras's fan rules and variance statistics, seeds, configs and names."""
import math

import numpy as np
import pytest
import torch

from torchkeras_compat import initializers


def test_fans_follow_keras_layouts():
    assert initializers.compute_fans((5,)) == (5, 5)
    assert initializers.compute_fans((4, 7)) == (4, 7)
    # Conv2D kernel (kh, kw, in, out): receptive field multiplies both fans
    assert initializers.compute_fans((3, 3, 16, 32)) == (3 * 3 * 16, 3 * 3 * 32)


@pytest.mark.parametrize("name,expected_std", [
    ("glorot_uniform", math.sqrt(2.0 / (400 + 300))),
    ("glorot_normal", math.sqrt(2.0 / (400 + 300))),
    ("he_normal", math.sqrt(2.0 / 400)),
    ("he_uniform", math.sqrt(2.0 / 400)),
    ("lecun_normal", math.sqrt(1.0 / 400)),
    ("lecun_uniform", math.sqrt(1.0 / 400)),
    ("random_normal", 0.05),
    ("random_uniform", 0.1 / math.sqrt(12)),
])
def test_statistics_match_keras(name, expected_std):
    w = initializers.get(name)((400, 300))
    assert w.shape == (400, 300) and w.dtype == torch.float32 and w.device.type == "cpu"
    assert abs(float(w.std()) - expected_std) / expected_std < 0.03
    assert abs(float(w.mean())) < 0.01


def test_truncated_normal_bounds_and_variance_scaling_correction():
    w = initializers.TruncatedNormal(stddev=0.1, seed=1)((200, 200))
    assert float(w.abs().max()) <= 0.2 + 1e-6
    v = initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="normal")((300, 500))
    assert abs(float(v.std()) - math.sqrt(2.0 / 500)) / math.sqrt(2.0 / 500) < 0.03


def test_orthogonal_identity_constant():
    q = initializers.Orthogonal(gain=2.0, seed=3)((3, 3, 4, 8)).reshape(-1, 8)
    np.testing.assert_allclose((q.T @ q).numpy(), 4.0 * np.eye(8), atol=1e-5)
    np.testing.assert_array_equal(initializers.get("identity")((2, 3)).numpy(), np.eye(2, 3))
    assert float(initializers.Constant(0.3)((2,))[1]) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


def test_seeds_repeat_and_configs_round_trip():
    a = initializers.GlorotUniform(seed=7)((5, 4))
    assert torch.equal(a, initializers.GlorotUniform(seed=7)((5, 4)))
    init = initializers.VarianceScaling(scale=0.5, mode="fan_avg", distribution="uniform", seed=2)
    again = initializers.deserialize(initializers.serialize(init))
    assert again.get_config() == init.get_config()
    assert initializers.get("glorot_uniform").get_config() == {"seed": None}
    assert type(initializers.get("normal")).__name__ == "RandomNormal"


def test_plain_function_and_unknown_name():
    def my_init(shape, dtype=None):
        return np.full(shape, 2.0)
    w = initializers.get(my_init)((2, 2))
    assert torch.equal(w, torch.full((2, 2), 2.0))
    assert initializers.serialize(initializers.get(my_init)) == "my_init"
    with pytest.raises(ValueError, match="glorot_uniform"):
        initializers.get("glorot_unifrom")


def test_lower_case_module_names():
    assert isinstance(initializers.glorot_uniform(seed=1), initializers.GlorotUniform)
    assert initializers.normal is initializers.RandomNormal and initializers.zeros is initializers.Zeros
