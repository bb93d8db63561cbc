"""Losses against values recorded from tf_keras 2.21 (tests/fixtures/make_numerics.py)."""
import os

import numpy as np
import pytest
import torch

from torchkeras_compat import losses

REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "numerics.npz"))
IN = {k[len("loss.in."):]: REF[k] for k in REF.files if k.startswith("loss.in.")}
PAIRS = {"yt_yp": ("yt", "yp"), "pos": ("pos_t", "pos_p"), "prob": ("prob_t", "prob_p"),
         "bin": ("b_true", "b_prob"), "onehot_prob": ("onehot", "prob_p")}
FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
             "mean_squared_logarithmic_error", "log_cosh", "huber", "poisson",
             "kullback_leibler_divergence", "cosine_similarity", "hinge", "squared_hinge",
             "categorical_hinge", "categorical_crossentropy", "binary_crossentropy"]
TOL = dict(rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fname", FUNCTIONS)
@pytest.mark.parametrize("pname", list(PAIRS))
def test_function_on_numpy_matches_keras(fname, pname):
    a, b = PAIRS[pname]
    out = losses.get(fname)(IN[a], IN[b])
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), REF[f"loss.fn.{fname}.{pname}"], **TOL)


@pytest.mark.parametrize("key,call", [
    ("cce_logits", lambda: losses.categorical_crossentropy(IN["onehot"], IN["logits"], from_logits=True)),
    ("cce_smooth", lambda: losses.categorical_crossentropy(IN["onehot"], IN["prob_p"], label_smoothing=0.2)),
    ("scce", lambda: losses.sparse_categorical_crossentropy(IN["labels"], IN["prob_p"])),
    ("scce_n1", lambda: losses.sparse_categorical_crossentropy(IN["labels"].reshape(-1, 1), IN["prob_p"])),
    ("scce_logits", lambda: losses.sparse_categorical_crossentropy(IN["labels"], IN["logits"], from_logits=True)),
    ("bce_logits", lambda: losses.binary_crossentropy(IN["b_true"], IN["logits"], from_logits=True)),
    ("bce_smooth", lambda: losses.binary_crossentropy(IN["b_true"], IN["b_prob"], label_smoothing=0.1)),
    ("bfce", lambda: losses.binary_focal_crossentropy(IN["b_true"], IN["b_prob"])),
    ("bfce_all", lambda: losses.binary_focal_crossentropy(IN["b_true"], IN["logits"], apply_class_balancing=True,
                                                          alpha=0.3, gamma=1.5, from_logits=True, label_smoothing=0.1)),
    ("cfce", lambda: losses.categorical_focal_crossentropy(IN["onehot"], IN["prob_p"])),
    ("cfce_all", lambda: losses.categorical_focal_crossentropy(IN["onehot"], IN["logits"], alpha=0.4, gamma=1.0,
                                                               from_logits=True, label_smoothing=0.2)),
    ("huber_delta", lambda: losses.huber(IN["yt"], 3 * IN["yp"], delta=0.5)),
])
def test_function_arguments(key, call):
    np.testing.assert_allclose(call().numpy(), REF[f"loss.fn.{key}"], **TOL)


@pytest.mark.parametrize("reduction", ["auto", "sum", "none", "sum_over_batch_size"])
def test_reductions_and_sample_weight(reduction):
    mse = losses.MeanSquaredError(reduction=reduction)
    np.testing.assert_allclose(mse(IN["yt"], IN["yp"]).numpy(), REF[f"loss.cls.mse.{reduction}"], **TOL)
    np.testing.assert_allclose(mse(IN["yt"], IN["yp"], sample_weight=IN["sw"]).numpy(),
                               REF[f"loss.cls.mse_sw.{reduction}"], **TOL)


@pytest.mark.parametrize("key,call", [
    ("bce", lambda: losses.BinaryCrossentropy()(IN["b_true"], IN["b_prob"])),
    ("bce_logits_sw", lambda: losses.BinaryCrossentropy(from_logits=True)(IN["b_true"], IN["logits"], sample_weight=IN["sw"])),
    ("cce_smooth", lambda: losses.CategoricalCrossentropy(label_smoothing=0.1)(IN["onehot"], IN["prob_p"])),
    ("scce_logits", lambda: losses.SparseCategoricalCrossentropy(from_logits=True)(IN["labels"], IN["logits"])),
    ("huber", lambda: losses.Huber(delta=0.3)(IN["yt"], IN["yp"])),
    ("scce_ignore", lambda: losses.SparseCategoricalCrossentropy(ignore_class=2)(IN["labels"], IN["prob_p"])),
    ("cosine", lambda: losses.CosineSimilarity(axis=0)(IN["yt"], IN["yp"])),
    ("mse_3d_sw", lambda: losses.MeanSquaredError()(IN["yt"].reshape(5, 2, 2), IN["yp"].reshape(5, 2, 2), sample_weight=IN["sw"])),
    ("bce_labels_n", lambda: losses.BinaryCrossentropy()(torch.tensor(IN["b_true"][:, 0]), torch.tensor(IN["b_prob"][:, :1]))),
])
def test_loss_classes(key, call):
    np.testing.assert_allclose(call().numpy(), REF[f"loss.cls.{key}"], **TOL)


def test_logits_from_softmax_are_used():
    logits = torch.tensor([[30.0, -30.0, 0.0]])
    probs = torch.softmax(logits, -1)
    probs._keras_logits = logits  # what activations.softmax records
    exact = losses.categorical_crossentropy(torch.tensor([[0.0, 1.0, 0.0]]), logits, from_logits=True)
    np.testing.assert_allclose(losses.categorical_crossentropy(torch.tensor([[0.0, 1.0, 0.0]]), probs).numpy(),
                               exact.numpy(), rtol=1e-6)


def test_aliases_configs_and_names():
    assert losses.mse is losses.mean_squared_error and losses.get("MSE") is losses.mean_squared_error
    assert losses.get("kld") is losses.kullback_leibler_divergence
    assert losses.get("cosine_proximity") is losses.cosine_similarity
    assert losses.logcosh is losses.log_cosh
    bce = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)
    assert bce.get_config() == {"from_logits": True, "label_smoothing": 0.1, "axis": -1,
                                "reduction": "auto", "name": "binary_crossentropy",
                                "fn": "binary_crossentropy"}
    for legacy in (False, True):
        again = losses.deserialize(losses.serialize(bce, use_legacy_format=legacy))
        assert isinstance(again, losses.BinaryCrossentropy) and again.get_config() == bce.get_config()
    assert isinstance(losses.get("BinaryCrossentropy"), losses.BinaryCrossentropy)
    # tf.keras 2.21's names and forms
    assert losses.get("kullback_leibler_divergence").__name__ == "kl_divergence"
    assert losses.get("huber_loss") is losses.huber
    assert losses.serialize(losses.mse) == {"module": "builtins", "class_name": "function",
                                            "config": "mean_squared_error", "registered_name": "function"}
    assert losses.deserialize(losses.serialize(losses.mse)) is losses.mean_squared_error
    assert losses.serialize(losses.mse, use_legacy_format=True) == "mean_squared_error"
    wrapped = losses.LossFunctionWrapper(losses.huber, delta=0.5, name="h")
    assert losses.LossFunctionWrapper.from_config(wrapped.get_config()).fn is losses.huber


def test_bad_inputs_say_what_to_do():
    with pytest.raises(ValueError, match="binary_crossentropy"):
        losses.get("binary_arossentropy")
    with pytest.raises(ValueError, match="one-hot.*categorical_crossentropy"):
        losses.sparse_categorical_crossentropy(np.eye(3, dtype="float32"), np.full((3, 3), 1 / 3, "float32"))
    with pytest.raises(ValueError, match="same shape"):
        losses.categorical_crossentropy(np.eye(3, dtype="float32"), np.full((3, 4), 0.25, "float32"))
    with pytest.raises(ValueError, match="Reduction"):
        losses.MeanSquaredError(reduction="mean")


def test_compute_weighted_loss_matches_keras_rule():
    per_sample = torch.tensor([1.0, 2.0, 3.0, 4.0])
    sw = torch.tensor([1.0, 0.0, 2.0, 1.0])
    assert float(losses.compute_weighted_loss(per_sample, sw, "sum_over_batch_size")) == pytest.approx(11 / 4)
    assert float(losses.compute_weighted_loss(per_sample, sw.reshape(4, 1), "sum")) == pytest.approx(11)
    assert losses.compute_weighted_loss(per_sample, None, "none").shape == (4,)


@pytest.mark.parametrize("reduction,key", [("auto", "mse"), ("sum", "mse_sum")])
@pytest.mark.parametrize("weighted", [False, True])
def test_mask_on_predictions_is_honoured(reduction, key, weighted):
    y_pred = torch.from_numpy(IN["yp"].reshape(5, 2, 2)).clone()
    y_pred._keras_mask = torch.from_numpy(IN["mask"])  # what a Masking layer attaches
    out = losses.MeanSquaredError(reduction=reduction)(
        torch.from_numpy(IN["yt"].reshape(5, 2, 2)), y_pred,
        sample_weight=torch.from_numpy(IN["sw"]) if weighted else None)
    np.testing.assert_allclose(out.numpy(), REF[f"loss.cls.{key}_{'masked_sw' if weighted else 'masked'}"], **TOL)
