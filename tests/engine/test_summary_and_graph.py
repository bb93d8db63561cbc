"""model.summary(), layer naming and graph structure, compared with tf.keras recordings."""
import io
import json

import numpy as np
import pytest

import torchkeras_compat as keras
from torchkeras_compat import backend as K
from torchkeras_compat import layers


@pytest.fixture
def recorded(fixture_path):
    with open(fixture_path("engine", "engine.json")) as f:
        return json.load(f)


def _summary(model):
    buf = io.StringIO()
    model.summary(print_fn=lambda line: buf.write(line + "\n"))
    return buf.getvalue()


def test_sequential_summary_matches_keras(recorded):
    model = keras.Sequential([layers.Dense(5, input_dim=3, activation="relu"), layers.Dropout(0.1),
                              layers.Dense(1)])
    assert _summary(model) == recorded["summaries"]["sequential"]
    assert [l.name for l in model.layers] == recorded["names"]["seq_layers"]


def test_chain_functional_summary_and_layer_order(recorded):
    keras.Sequential([layers.Dense(5, input_dim=3), layers.Dropout(0.1), layers.Dense(1)])
    a = keras.Input((4,), name="a")
    b = keras.Input((3,))
    layers.Dense(8)(a), layers.Dense(8)(b)
    inp = keras.Input((6,))
    model = keras.Model(inp, layers.Dense(2)(layers.Dense(4)(inp)))
    assert [l.name for l in model.layers] == ["input_2", "dense_5", "dense_4"]
    text = _summary(model)
    assert text.splitlines()[0] == 'Model: "model"'
    assert text.splitlines()[1:] == recorded["summaries"]["functional_chain"].splitlines()[1:]


def test_clear_session_resets_names():
    assert layers.Dense(1).name == "dense"
    assert layers.Dense(1).name == "dense_1"
    K.clear_session()
    assert layers.Dense(1).name == "dense"
    assert keras.Input((2,)).node.layer.name == "input_1"


def test_shared_layer_and_nested_model():
    shared = layers.Dense(3, name="shared")
    a, b = keras.Input((4,)), keras.Input((4,))
    inner_in = keras.Input((3,))
    inner = keras.Model(inner_in, layers.Dense(2)(inner_in), name="inner")
    with pytest.raises(ValueError, match=r'layer "inner" is incompatible.*expected shape=\(None, 3\), found shape=\(None, 6\)'):
        inner(layers.concatenate([shared(a), shared(b)]))
    out = inner(layers.add([shared(a), shared(b)]))
    model = keras.Model([a, b], out)
    assert model.get_layer("shared") is shared
    assert len(shared.inbound_nodes) == 4  # two calls in the rejected graph, two in this one
    x = [np.random.rand(2, 4).astype("float32")] * 2
    assert model.predict(x).shape == (2, 2)
    assert model.count_params() == shared.count_params() + inner.count_params()


def test_graph_disconnected_error():
    a, b = keras.Input((2,)), keras.Input((2,))
    out = layers.Dense(1)(b)
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)


def test_k_function_reads_intermediate_outputs():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,), activation="relu"), layers.Dropout(0.5),
                              layers.Dense(2)])
    f = K.function([model.input, K.learning_phase()], [model.layers[0].output])
    x = np.random.rand(5, 3).astype("float32")
    got = f([x, 0])[0]
    w, b = model.layers[0].get_weights()
    np.testing.assert_allclose(got, np.maximum(x @ w + b, 0), rtol=1e-5, atol=1e-6)
    tail = K.function([model.layers[1].output], model.output)
    assert tail([np.ones((2, 4))]).shape == (2, 2)


def test_ops_on_symbolic_tensors_become_layers():
    inp = keras.Input((3,))
    h = layers.Dense(3)(inp)
    out = K.sum(h * 2 + 1, axis=-1, keepdims=True)
    model = keras.Model(inp, out)
    x = np.random.rand(4, 3).astype("float32")
    w, b = model.layers[1].get_weights()
    np.testing.assert_allclose(model.predict(x), ((x @ w + b) * 2 + 1).sum(-1, keepdims=True), rtol=1e-5)


def test_sequential_deferred_build_pop_and_get_layer():
    model = keras.Sequential()
    model.add(layers.Dense(4))
    model.add(layers.Dense(2))
    assert not model.built
    model.compile("sgd", "mse")
    model.fit(np.random.rand(6, 5), np.random.rand(6, 2), verbose=0)
    assert model.built and model.input_shape == (None, 5) and model.output_shape == (None, 2)
    model.pop()
    assert model.output_shape == (None, 4)
    assert model.get_layer(index=0) is model.layers[0]
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("nope")


def test_raw_torch_module_in_a_sequential_model_trains():
    import torch
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), torch.nn.ReLU(), torch.nn.Linear(4, 1)])
    model.compile("sgd", "mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit(np.random.rand(8, 3), np.random.rand(8, 1), verbose=0)
    assert len(model.trainable_weights) == 4
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
