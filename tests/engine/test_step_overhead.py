"""The train step's performance contract: no host sync per batch from the engine, no per-step
device move of CPU arrays, and compile(jit_compile=True) falling back with a warning."""
import traceback

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import torchkeras_compat as keras
from torchkeras_compat import layers as L


class _HostSyncs(TorchDispatchMode):
    """Records where tensor values are read back to Python (`.item()`, `float(t)`, `int(t)`)."""

    def __init__(self):
        super().__init__()
        self.sites = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func is torch.ops.aten._local_scalar_dense.default:
            frames = [f.filename for f in traceback.extract_stack()]
            self.sites.append(next((f for f in reversed(frames) if "torchkeras_compat" in f), "?"))
        return func(*args, **(kwargs or {}))


def _model(**compile_kwargs):
    torch.manual_seed(0)
    model = keras.Sequential([L.Dense(4, activation="relu", input_shape=(3,)), L.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], **compile_kwargs)
    return model


def _engine_syncs(steps: int) -> int:
    model = _model()
    x = np.random.RandomState(0).rand(8 * steps, 3).astype("float32")
    y = x.sum(1, keepdims=True)
    with _HostSyncs() as mode:
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    # the optimizer reads its step counter and learning rate (CPU tensors) on its own
    return sum(1 for s in mode.sites if "/optimizers/" not in s)


def test_fit_reads_losses_and_metrics_back_once_per_epoch_not_per_batch():
    assert _engine_syncs(2) == _engine_syncs(12)


def test_cpu_arrays_are_not_moved_per_batch(monkeypatch):
    model = _model()
    calls = []
    real = model._to_device
    monkeypatch.setattr(model, "_to_device", lambda b: calls.append(1) or real(b))
    model.fit(np.ones((32, 3), "float32"), np.ones((32, 1), "float32"), batch_size=8, verbose=0)
    assert calls == []


def test_jit_compile_falls_back_to_eager_with_a_warning(monkeypatch):
    x = np.random.RandomState(1).rand(16, 3).astype("float32")
    y = x.sum(1, keepdims=True)
    eager = _model().fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history

    def broken_compile(fn, *args, **kwargs):
        def compiled(*a, **k):
            raise RuntimeError("no compiler here")
        return compiled
    monkeypatch.setattr(torch, "compile", broken_compile)
    model = _model(jit_compile=True)
    with pytest.warns(RuntimeWarning, match="jit_compile=True.*no compiler here"):
        history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert history == eager
