"""keras.mixed_precision: policies and loss scaling, against tf_keras 2.21 records."""
import json
import os

import numpy as np
import pytest
import torch

from torchkeras_compat import mixed_precision
from torchkeras_compat.mixed_precision import LossScaleOptimizer, Policy
from torchkeras_compat.optimizers import SGD

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "callbacks.json")


@pytest.fixture(scope="module")
def recorded():
    with open(FIXTURE) as f:
        return json.load(f)["mixed_precision"]


@pytest.fixture(autouse=True)
def reset_global_policy():
    yield
    mixed_precision.set_global_policy(None)


def test_policies_match_tf_keras(recorded):
    for name, want in recorded["policies"].items():
        policy = Policy(name)
        assert policy.name == name
        assert policy.compute_dtype == want["compute_dtype"]
        assert policy.variable_dtype == want["variable_dtype"]
        assert repr(policy) == want["repr"]


def test_policy_errors_match_tf_keras(recorded):
    for bad in ("mixed_float32", "float16_with_float32_vars"):
        with pytest.raises(ValueError) as info:
            Policy(bad)
        assert str(info.value) == recorded["errors"][bad]
    with pytest.raises(ValueError) as info:
        mixed_precision.set_global_policy("int32")
    assert str(info.value) == recorded["errors"]["global_int32"]
    with pytest.raises(TypeError, match="must be a string"):
        Policy(torch.float16)


def test_global_policy_set_and_reset(recorded):
    assert repr(mixed_precision.global_policy()) == recorded["default_global"]
    mixed_precision.set_global_policy("mixed_float16")
    policy = mixed_precision.global_policy()
    assert policy.compute_dtype == "float16" and policy.variable_dtype == "float32"
    assert policy.is_mixed and policy.torch_compute_dtype is torch.float16
    mixed_precision.set_global_policy(Policy("mixed_bfloat16"))
    assert mixed_precision.global_policy().name == "mixed_bfloat16"
    mixed_precision.set_global_policy(None)
    assert mixed_precision.global_policy().name == "float32"


def test_policy_scope_restores_previous():
    mixed_precision.set_global_policy("mixed_bfloat16")
    with mixed_precision.policy_scope("float64"):
        assert mixed_precision.global_policy().name == "float64"
    assert mixed_precision.global_policy().name == "mixed_bfloat16"


def test_tf23_experimental_names():
    exp = mixed_precision.experimental
    exp.set_policy("mixed_float16")
    assert exp.global_policy().name == "mixed_float16"
    policy = exp.Policy("mixed_float16")
    assert policy.compute_dtype == "float16" and policy.loss_scale == "dynamic"
    assert exp.Policy("float32").loss_scale is None
    opt = exp.LossScaleOptimizer(SGD(0.1), loss_scale=128)
    assert not opt.dynamic and float(opt.loss_scale) == 128.0
    assert exp.LossScaleOptimizer(SGD(0.1), "dynamic").dynamic


def test_policy_serialization_round_trip():
    assert mixed_precision.serialize(Policy("float32")) == "float32"
    cfg = mixed_precision.serialize(Policy("mixed_float16"))
    assert cfg == {"class_name": "Policy", "config": {"name": "mixed_float16"}}
    assert mixed_precision.deserialize(cfg) == Policy("mixed_float16")
    assert mixed_precision.get_policy(None) == mixed_precision.global_policy()


def _variable(values):
    p = torch.nn.Parameter(torch.tensor(values, dtype=torch.float32))
    return p


def test_dynamic_loss_scale_follows_tf_keras(recorded):
    want = recorded["dynamic"]
    var = _variable([1.0, 2.0])
    opt = LossScaleOptimizer(SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2)
    opt.build([var])
    scales, iterations, values = [], [], []
    for step in range(9):
        bad = step in want["bad_steps"]
        grad = torch.tensor([np.inf, 1.0] if bad else [0.5, 1.0])
        opt.apply_gradients([(grad, var)])
        scales.append(float(opt.loss_scale))
        iterations.append(int(opt.iterations))
        values.append(var.detach().numpy().tolist())
    assert scales == want["scales"]
    assert iterations == want["iterations"]
    np.testing.assert_allclose(values, want["values"], rtol=1e-6)


def test_step_unscales_gradients_from_a_scaled_loss():
    var = _variable([1.0, 2.0])
    opt = LossScaleOptimizer(SGD(0.1), initial_scale=1024.0, dynamic_growth_steps=2000)
    opt.build([var])
    loss = (var * torch.tensor([0.5, 1.0])).sum()
    opt.get_scaled_loss(loss).backward()
    assert var.grad.tolist() == [512.0, 1024.0]
    opt.step()
    np.testing.assert_allclose(var.detach().numpy(), [0.95, 1.9], rtol=1e-6)
    assert int(opt.iterations) == 1 and float(opt.loss_scale) == 1024.0
    assert int(opt.dynamic_counter) == 1
    # An overflowing step is skipped and halves the scale.
    opt.zero_grad()
    ((var * torch.tensor([0.5, 1.0])).sum() * torch.tensor(float("inf"))).backward()
    opt.step()
    np.testing.assert_allclose(var.detach().numpy(), [0.95, 1.9], rtol=1e-6)
    assert float(opt.loss_scale) == 512.0 and int(opt.iterations) == 2


def test_loss_scale_optimizer_defaults_and_errors(recorded):
    opt = LossScaleOptimizer(SGD(0.1))
    assert float(opt.loss_scale) == recorded["default_scale"]
    assert opt.dynamic_growth_steps == recorded["default_growth_steps"]
    fixed = LossScaleOptimizer(SGD(0.1), dynamic=False, initial_scale=4.0)
    assert float(fixed.loss_scale) == recorded["fixed_scale"] and fixed.dynamic_counter is None
    with pytest.raises(ValueError) as info:
        LossScaleOptimizer(SGD(), dynamic=False)
    assert str(info.value) == recorded["lso_errors"]["no_initial_scale"]
    with pytest.raises(ValueError) as info:
        LossScaleOptimizer(SGD(), dynamic=False, initial_scale=2, dynamic_growth_steps=3)
    assert str(info.value) == recorded["lso_errors"]["growth_not_dynamic"]
    with pytest.raises(TypeError, match="must be a bool"):
        LossScaleOptimizer(SGD(), "dynamic")
    with pytest.raises(TypeError, match="must be an instance"):
        LossScaleOptimizer(object())
    inner = SGD()
    LossScaleOptimizer(inner)
    with pytest.raises(ValueError, match="already wrapped"):
        LossScaleOptimizer(inner)


def test_loss_scale_optimizer_delegates_learning_rate():
    inner = SGD(0.1)
    opt = LossScaleOptimizer(inner)
    assert opt.lr is inner.lr
    opt.lr = 0.5
    assert float(inner.lr) == 0.5
    assert opt.inner_optimizer is inner
    cfg = opt.get_config()
    assert cfg["dynamic"] is True and cfg["initial_scale"] == 2.0 ** 15


def test_autocast_context_follows_the_policy():
    layer = torch.nn.Linear(4, 2)
    x = torch.ones(3, 4)
    with mixed_precision.autocast("cpu"):
        assert layer(x).dtype == torch.float32
    mixed_precision.set_global_policy("mixed_bfloat16")
    with mixed_precision.autocast("cpu"):
        assert layer(x).dtype == torch.bfloat16
    assert layer.weight.dtype == torch.float32  # variables stay float32


def test_wrap_for_policy_as_compile_does():
    inner = SGD(0.1)
    assert mixed_precision.wrap_for_policy(inner, Policy("mixed_bfloat16")) is inner
    wrapped = mixed_precision.wrap_for_policy(inner, Policy("mixed_float16"))
    assert isinstance(wrapped, LossScaleOptimizer) and wrapped.dynamic
    assert mixed_precision.wrap_for_policy(wrapped, "mixed_float16") is wrapped


def test_float16_training_loop_with_loss_scaling_learns():
    torch.manual_seed(0)
    mixed_precision.set_global_policy("mixed_float16")
    model = torch.nn.Linear(4, 1)
    opt = mixed_precision.wrap_for_policy(SGD(0.1), mixed_precision.global_policy())
    opt.build(list(model.parameters()))
    x = torch.rand(64, 4)
    y = x.sum(dim=1, keepdim=True)
    losses = []
    for _ in range(50):
        with mixed_precision.autocast("cpu"):
            loss = torch.mean((model(x).float() - y) ** 2)
        opt.zero_grad()
        opt.get_scaled_loss(loss).backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0]
    assert model.weight.dtype == torch.float32
