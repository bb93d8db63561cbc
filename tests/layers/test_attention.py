"""Attention, AdditiveAttention, Rescaling, Identity: numbers against the formulas Keras documents."""
import numpy as np

import torchkeras_compat as keras
from torchkeras_compat import layers as L


def _softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_dot_attention_with_value_mask_and_scores():
    rng = np.random.RandomState(0)
    q, v = rng.randn(2, 3, 4).astype("float32"), rng.randn(2, 5, 4).astype("float32")
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    layer = L.Attention(use_scale=True)
    out, w = layer([q, v], mask=[None, v_mask], return_attention_scores=True)
    layer.set_weights([np.array(0.5, "float32")])
    out, w = layer([q, v], mask=[None, v_mask], return_attention_scores=True)
    scores = 0.5 * q @ v.transpose(0, 2, 1) - 1e9 * (~v_mask)[:, None, :]
    np.testing.assert_allclose(w.detach().numpy(), _softmax(scores), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.detach().numpy(), _softmax(scores) @ v, rtol=1e-5, atol=1e-5)


def test_additive_attention_functional_shapes_and_weights():
    qi, vi = L.Input(shape=(3, 4)), L.Input(shape=(5, 4))
    layer = L.AdditiveAttention()
    out, scores = layer([qi, vi], return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 4) and tuple(scores.shape) == (None, 3, 5)
    assert [w.name for w in layer.weights] == ["additive_attention/scale:0"]
    model = keras.models.Model([qi, vi], out)
    rng = np.random.RandomState(1)
    q, v = rng.randn(2, 3, 4).astype("float32"), rng.randn(2, 5, 4).astype("float32")
    scale = layer.get_weights()[0]
    s = (scale * np.tanh(q[:, :, None, :] + v[:, None, :, :])).sum(-1)
    np.testing.assert_allclose(model.predict([q, v], verbose=0), _softmax(s) @ v, rtol=1e-5, atol=1e-5)


def test_causal_mask_and_config_round_trip():
    q = np.random.RandomState(2).randn(1, 4, 2).astype("float32")
    w = L.Attention()([q, q], use_causal_mask=True, return_attention_scores=True)[1].detach().numpy()
    assert np.allclose(np.triu(w[0], 1), 0)
    layer = L.Attention(use_scale=True, score_mode="concat", dropout=0.1)
    clone = L.Attention.from_config(layer.get_config())
    assert clone.get_config() == {**layer.get_config(), "name": clone.name}


def test_rescaling_and_identity():
    x = np.arange(6, dtype="float32").reshape(2, 3) * 51
    inp = L.Input(shape=(3,))
    model = keras.models.Model(inp, L.Identity()(L.Rescaling(1.0 / 255, offset=-0.5)(inp)))
    np.testing.assert_allclose(model.predict(x, verbose=0), x / 255 - 0.5, rtol=1e-6)
    assert L.Rescaling(2.0).get_config()["scale"] == 2.0


def test_multi_head_attention_matches_the_einsum_formula():
    rng = np.random.RandomState(3)
    q, v = rng.randn(2, 3, 4).astype("float32"), rng.randn(2, 5, 6).astype("float32")
    qi, vi = L.Input(shape=(3, 4)), L.Input(shape=(5, 6))
    layer = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, output_shape=7)
    out, scores = layer(qi, vi, return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 7) and tuple(scores.shape) == (None, 2, 3, 5)
    assert [w.name for w in layer.weights][::2] == ["multi_head_attention/query/kernel:0",
                                                      "multi_head_attention/key/kernel:0",
                                                      "multi_head_attention/value/kernel:0",
                                                      "multi_head_attention/attention_output/kernel:0"]
    weights = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    pq = (np.einsum("btd,dhk->bthk", q, wq) + bq) / np.sqrt(3)
    pk = np.einsum("bsd,dhk->bshk", v, wk) + bk
    pv = np.einsum("bsd,dhk->bshk", v, wv) + bv
    probs = _softmax(np.einsum("bthk,bshk->bhts", pq, pk))
    expected = np.einsum("bhts,bshk,hko->bto", probs, pv, wo) + bo
    got, got_scores = keras.models.Model([qi, vi], [out, scores]).predict([q, v], verbose=0)
    np.testing.assert_allclose(got_scores, probs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    assert layer.get_config()["query_shape"] == [None, 3, 4]
