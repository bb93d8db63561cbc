"""Initializer statistics (mean/std/bounds) by name, class, and Keras 1 init= spelling."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import initializers as I
from keras.layers import Dense, Conv2D
from keras.models import Sequential
from keras import backend as K

SHAPE = (200, 300)


def stats(key, init, shape=SHAPE, std=None, bound=None, mean=0.0):
    @sub(key)
    def _():
        w = num(K.eval(init(shape))) if callable(init) else None
        report(key + ".shape", list(w.shape))
        report(key + ".dtype", str(w.dtype))
        if mean is not None:
            report(key + ".mean_near", bool(abs(w.mean() - mean) < 0.05 * max(1.0, abs(mean)) + 0.01))
        if std is not None:
            report(key + ".std_ratio", bool(0.9 < w.std() / std < 1.1))
        if bound is not None:
            report(key + ".within_bound", bool(np.abs(w).max() <= bound + 1e-6))
            report(key + ".reaches_bound", bool(np.abs(w).max() > 0.9 * bound))


fi, fo = SHAPE
stats("glorot_uniform", I.get("glorot_uniform"), bound=np.sqrt(6 / (fi + fo)), std=np.sqrt(2 / (fi + fo)))
stats("glorot_normal", I.glorot_normal(), std=np.sqrt(2 / (fi + fo)), bound=2 * np.sqrt(2 / (fi + fo)))
stats("he_normal", I.he_normal(), std=np.sqrt(2 / fi), bound=2 * np.sqrt(2 / fi))
stats("he_uniform", I.get("he_uniform"), bound=np.sqrt(6 / fi))
stats("lecun_uniform", I.lecun_uniform(), bound=np.sqrt(3 / fi))
stats("lecun_normal", I.lecun_normal(), std=np.sqrt(1 / fi))
stats("random_normal", I.RandomNormal(mean=1.0, stddev=0.2), std=0.2, mean=1.0)
stats("random_uniform", I.RandomUniform(minval=-0.2, maxval=0.2), bound=0.2)
stats("truncated_normal", I.TruncatedNormal(stddev=0.1), bound=0.2)
stats("variance_scaling", I.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform"),
      bound=np.sqrt(6.0 / fo))
stats("variance_scaling_avg", I.VarianceScaling(scale=1.0, mode="fan_avg", distribution="truncated_normal"),
      std=np.sqrt(2 / (fi + fo)))
stats("conv_glorot", I.glorot_uniform(), shape=(3, 3, 16, 32), bound=np.sqrt(6 / (9 * 16 + 9 * 32)))
stats("conv_he", I.he_normal(), shape=(5, 5, 8, 4), std=np.sqrt(2 / (25 * 8)))


@sub("exact")
def _():
    report("exact.zeros", num(K.eval(I.Zeros()((2, 3)))), rule="close")
    report("exact.ones", num(K.eval(I.get("ones")((2, 3)))), rule="close")
    report("exact.constant", num(K.eval(I.Constant(0.3)((2, 2)))), rule="close")
    report("exact.identity", num(K.eval(I.Identity(gain=2.0)((3, 4)))), rule="close")
    o = num(K.eval(I.Orthogonal()((6, 6))))
    report("exact.orthogonal", o @ o.T, rule="close", rtol=1e-4, atol=1e-5)
    o2 = num(K.eval(I.orthogonal(gain=3.0)((4, 8))))
    report("exact.orthogonal_rect", o2 @ o2.T, rule="close", rtol=1e-4, atol=1e-4)


@sub("config")
def _():
    report("config.glorot", I.serialize(I.glorot_uniform(seed=3)))
    report("config.vs", I.VarianceScaling(scale=0.5, mode="fan_in", distribution="normal").get_config())
    report("config.get_dict", type(I.get({"class_name": "RandomNormal", "config": {"stddev": 0.3}})).__name__)


@sub("layers")
def _():
    m = Sequential([Dense(64, input_dim=100, init="uniform"), Dense(50, kernel_initializer="he_normal",
                                                                bias_initializer="ones"),
                    Dense(10, init="zero")])
    w = m.get_weights()
    report("layers.uniform_bound", bool(np.abs(w[0]).max() <= 0.05 + 1e-7))
    report("layers.bias_default_zero", bool(np.all(w[1] == 0)))
    report("layers.he_std_ok", bool(0.85 < w[2].std() / np.sqrt(2 / 64) < 1.15))
    report("layers.ones_bias", bool(np.all(w[3] == 1)))
    report("layers.zero_kernel", bool(np.all(w[4] == 0)))
    c = Conv2D(8, (3, 3), kernel_initializer="lecun_normal", input_shape=(6, 6, 4))
    Sequential([c])
    report("layers.conv_std_ok", bool(0.7 < c.get_weights()[0].std() / np.sqrt(1 / 36) < 1.3))


@sub("more")
def _():
    for n in ("normal", "uniform", "zero", "one", "identity", "orthogonal", "constant", "variance_scaling"):
        o = I.get(n)
        report("more.get." + n, [type(o).__name__, o.get_config()])
    report("more.serialize", I.serialize(I.VarianceScaling(scale=2.0, mode="fan_avg")))
    report("more.constant_list", num(K.eval(I.Constant([1.0, 2.0, 3.0])((3,)))), rule="close")
    w = num(K.eval(I.RandomUniform(0, 10, seed=1)((50,), dtype="int32")))
    report("more.int_uniform", [str(w.dtype), bool(w.min() >= 0), bool(w.max() < 10)])
    report("more.float64", str(num(K.eval(I.RandomNormal()((2,), dtype="float64"))).dtype))
    g = I.GlorotUniform(seed=5)
    report("more.seeded_calls_repeat", bool(np.allclose(num(K.eval(g((4, 4)))), num(K.eval(g((4, 4)))))))
    for key, kw in (("mode", dict(mode="bad")), ("distribution", dict(distribution="bad")), ("scale", dict(scale=-1.0))):
        try:
            I.VarianceScaling(**kw)
            report("more.bad_" + key, None)
        except ValueError:
            report("more.bad_" + key, "ValueError")


finish()
