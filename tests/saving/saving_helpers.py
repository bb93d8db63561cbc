import os

import numpy as np
import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "saving")


def fixture_path(name: str) -> str:
    return os.path.join(FIXTURES, name)


def require_layers(*names):
    """Skip when a layer family is not implemented yet (other modules land independently)."""
    from torchkeras_compat.engine import registry
    missing = [n for n in names if n not in registry.names("layer")]
    if missing:
        pytest.skip(f"layers not available yet: {missing}")


def recorded(stem: str):
    z = np.load(fixture_path(stem + ".npz"))
    xs = [z[k] for k in sorted(k for k in z.files if k.startswith("x"))]
    ys = [z[k] for k in sorted(k for k in z.files if k.startswith("y"))]
    return xs, ys


def predict_all(model, xs):
    out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    return out if isinstance(out, list) else [out]


def assert_predicts(model, stem: str, atol: float = 1e-5):
    xs, ys = recorded(stem)
    preds = predict_all(model, xs)
    assert len(preds) == len(ys)
    for p, y in zip(preds, ys):
        np.testing.assert_allclose(p, y, rtol=1e-4, atol=atol)


def weights_snapshot(model):
    return [w.copy() for w in model.get_weights()]


def assert_same_weights(model, snapshot):
    now = model.get_weights()
    assert len(now) == len(snapshot)
    for a, b in zip(now, snapshot):
        np.testing.assert_array_equal(a, b)
