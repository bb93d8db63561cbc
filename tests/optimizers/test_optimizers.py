"""Optimizers: trajectories against tf_keras 2.21 legacy optimizers on a tiny linear model
(recorded by tests/fixtures/make_numerics.py), plus lr handling, state and names."""
import os
import sys
import warnings

import numpy as np
import pytest
import torch

from torchkeras_compat import backend as K
from torchkeras_compat import legacy, optimizers

REF = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "numerics.npz"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from optimizer_cases import CURRENT, OPTIMIZERS  # noqa: E402  (the table the fixtures were made from)


def _train(opt, steps, change_beta_1_after=None):
    x, y = torch.from_numpy(REF["opt.in.x"]), torch.from_numpy(REF["opt.in.y"])
    w = torch.nn.Parameter(torch.from_numpy(REF["opt.in.w"]).clone())
    b = torch.nn.Parameter(torch.from_numpy(REF["opt.in.b"]).clone())
    opt.build([w, b])
    losses, traj = [], []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.mean(torch.square(x @ w + b - y))
        loss.backward()
        opt.step()
        if len(losses) == change_beta_1_after:
            K.set_value(opt.beta_1, 0.5)  # old scripts change hyperparameters mid-run
        losses.append(float(loss.detach()))
        traj.append(torch.cat([w.detach().ravel(), b.detach().ravel()]).numpy().copy())
    return np.array(losses), np.array(traj)


@pytest.mark.parametrize("key", list(OPTIMIZERS) + list(CURRENT))
def test_trajectory_matches_keras_optimizer(key):
    if key in CURRENT:
        cls_name, kwargs = CURRENT[key]
        # by name, as compile(optimizer='rmsprop'), or from a tf.keras 2.11+ config
        opt = optimizers.get(cls_name.lower()) if not kwargs else \
            optimizers.deserialize({"class_name": "Custom>" + cls_name, "config": kwargs})
    else:
        cls_name, kwargs = OPTIMIZERS[key]
        opt = getattr(optimizers, cls_name)(**kwargs)
    losses, traj = _train(opt, len(REF[f"opt.{key}.loss"]),
                          change_beta_1_after=2 if key == "adam_decay_momentum_hyper_set" else None)
    np.testing.assert_allclose(losses, REF[f"opt.{key}.loss"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(traj, REF[f"opt.{key}.traj"], rtol=1e-5, atol=1e-6)
    if f"opt.{key}.nweights" in REF.files:
        assert len(opt.get_weights()) == int(REF[f"opt.{key}.nweights"])
    assert int(opt.iterations) == len(losses)


def test_lr_is_a_tensor_that_get_and_set_value_can_use():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = optimizers.SGD(lr=0.01)
    assert isinstance(opt.lr, torch.Tensor) and opt.lr.dim() == 0 and opt.lr is opt.learning_rate
    assert float(opt.lr.detach().cpu().numpy()) == pytest.approx(0.01)
    with torch.no_grad():
        opt.lr.copy_(torch.as_tensor(0.5))  # what backend.set_value does
    w = torch.nn.Parameter(torch.ones(2))
    opt.build([w])
    w.grad = torch.tensor([1.0, 2.0])
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [0.5, 0.0])
    opt.lr = 0.25
    assert float(opt.lr) == 0.25


def test_lr_keyword_warns_and_unknown_keyword_fails():
    legacy._warned.discard(("optimizer", "lr"))  # the warning is given once per process
    with pytest.warns(UserWarning, match="learning_rate"):
        opt = optimizers.Adam(lr=0.02)
    assert opt.get_config()["learning_rate"] == pytest.approx(0.02)
    with pytest.raises(TypeError, match="bogus"):
        optimizers.Adam(bogus=1)


def test_schedule_as_learning_rate():
    sched = optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=sched)
    w = torch.nn.Parameter(torch.zeros(1))
    opt.build([w])
    for _ in range(3):
        w.grad = torch.ones(1)
        opt.step()
    assert float(w.detach()) == pytest.approx(-(0.1 + 0.05 + 0.025))
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(again.learning_rate, optimizers.schedules.ExponentialDecay)


def test_build_is_idempotent_and_weights_round_trip():
    w = torch.nn.Parameter(torch.ones(3))
    opt = optimizers.Adam()
    opt.build([w])
    w.grad = torch.ones(3)
    opt.step()
    state = opt.get_weights()
    opt.build([w])
    assert int(opt.iterations) == 1 and np.allclose(opt.get_weights()[1], state[1])
    other = optimizers.Adam()
    other.build([torch.nn.Parameter(torch.ones(3))])
    other.set_weights(state)
    assert all(np.array_equal(a, b) for a, b in zip(other.get_weights(), state))
    with pytest.raises(ValueError, match="expected 3"):
        other.set_weights(state[:2])


def test_get_names_aliases_and_configs():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    assert optimizers.sgd is optimizers.SGD and optimizers.legacy.Adam is optimizers.Adam
    cfg = optimizers.Adam(learning_rate=0.5, amsgrad=True, clipnorm=1.0).get_config()
    assert cfg["amsgrad"] is True and cfg["clipnorm"] == 1.0 and cfg["name"] == "Adam"
    again = optimizers.get({"class_name": "adam", "config": cfg})
    assert again.get_config() == cfg
    assert optimizers.Adam(epsilon=None).epsilon == pytest.approx(1e-7)
    with pytest.raises(ValueError, match="'adam'"):
        optimizers.get("adm")


def test_parameters_without_gradients_are_skipped():
    a, b = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    opt.build([a, b])
    a.grad = torch.ones(2)
    opt.step()
    assert torch.equal(b.detach(), torch.ones(2)) and float(a.detach()[0]) == pytest.approx(0.9)


def test_minimize_with_callable_loss():
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = optimizers.SGD(learning_rate=0.1)
    opt.minimize(lambda: torch.sum(w ** 2), [w])
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6], rtol=1e-6)
    assert int(opt.iterations) == 1


@pytest.mark.parametrize("opt,expected", [
    (lambda: optimizers.Adam(), ["Adam/iter:0", "Adam/dense/kernel/m:0", "Adam/dense/bias/m:0",
                                 "Adam/dense/kernel/v:0", "Adam/dense/bias/v:0"]),
    (lambda: optimizers.Nadam(), ["Nadam/iter:0", "Nadam/momentum_cache:0", "Nadam/dense/kernel/m:0",
                                  "Nadam/dense/bias/m:0", "Nadam/dense/kernel/v:0", "Nadam/dense/bias/v:0"]),
    (lambda: optimizers.SGD(), ["SGD/iter:0"]),
    (lambda: optimizers.Ftrl(), ["Ftrl/iter:0", "Ftrl/dense/kernel/accumulator:0", "Ftrl/dense/kernel/linear:0",
                                 "Ftrl/dense/bias/accumulator:0", "Ftrl/dense/bias/linear:0"]),
])
def test_weight_names_follow_keras_h5_order(opt, expected):
    # the orders tf_keras 2.21 legacy optimizers report in `optimizer.weights`
    o = opt()
    o.build([torch.nn.Parameter(torch.ones(3, 2)), torch.nn.Parameter(torch.ones(2))])
    assert o.weight_names(["dense/kernel:0", "dense/bias:0"]) == expected
    assert len(o.get_weights()) == len(expected)


def test_names_give_current_formulas_and_configs_round_trip():
    rms = optimizers.get("rmsprop")
    cfg = optimizers.serialize(rms)
    assert cfg["class_name"] == "Custom>RMSprop"
    assert cfg["config"]["is_legacy_optimizer"] is False and "decay" not in cfg["config"]
    again = optimizers.deserialize(cfg)
    assert again._current_formulas and again.get_config() == rms.get_config()
    legacy_cfg = optimizers.serialize(optimizers.RMSprop())
    assert legacy_cfg["class_name"] == "RMSprop" and "decay" in legacy_cfg["config"]
    with pytest.raises(NotImplementedError, match="use_ema"):
        optimizers.deserialize({"class_name": "Custom>Adam", "config": {"use_ema": True}})


def test_cosine_decay_restarts_and_warmup():
    from torchkeras_compat.optimizers import schedules
    sgdr = schedules.CosineDecayRestarts(0.1, 4)  # periods of 4, 8, 16... steps
    assert sgdr(0) == pytest.approx(0.1) and sgdr(2) == pytest.approx(0.05)
    assert sgdr(4) == pytest.approx(0.1) and sgdr(8) == pytest.approx(0.05)
    flat = schedules.CosineDecayRestarts(0.1, 4, t_mul=1.0, m_mul=0.5)
    assert flat(4) == pytest.approx(0.05) and flat(6) == pytest.approx(0.025)
    warm = schedules.CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=5)
    assert warm(0) == 0.0 and warm(5) == pytest.approx(0.1) and warm(15) == pytest.approx(0.0, abs=1e-12)
    assert schedules.deserialize(schedules.serialize(sgdr)).get_config() == sgdr.get_config()
