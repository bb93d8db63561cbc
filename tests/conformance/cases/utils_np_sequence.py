"""keras.utils: to_categorical edge cases, normalize, Sequence subclass usage, Progbar output,
get_file with a local file:// origin, custom_object_scope, np_utils path."""
import numpy as np
import keras
from keras.utils import to_categorical, normalize, Sequence
from keras.utils import np_utils

report("cat_basic", to_categorical([0, 2, 1]))
report("cat_dtype", str(to_categorical([0, 2, 1]).dtype))
report("cat_num_classes", to_categorical([0, 2, 1], num_classes=5))
report("cat_col", to_categorical(np.array([[1], [0], [3]])).tolist())
report("cat_col_shape", list(to_categorical(np.array([[1], [0], [3]])).shape))
report("cat_2d_shape", list(to_categorical(np.array([[1, 2], [0, 3]])).shape))
report("cat_int_dtype", to_categorical([1, 0], dtype='int32').tolist())
report("cat_int_dtype_name", str(to_categorical([1, 0], dtype='int32').dtype))
report("cat_scalar", to_categorical(2, num_classes=4).tolist())
report("cat_float_labels", to_categorical(np.array([1.0, 2.0])).tolist())
report("np_utils_cat", np_utils.to_categorical([1], 3).tolist())
report("keras_utils_attr", keras.utils.to_categorical([0], 2).tolist())

a = np.array([[3., 4.], [1., 0.], [0., 0.]])
report("norm_default", normalize(a), rule="close", rtol=1e-6)
report("norm_axis0", normalize(a, axis=0), rule="close", rtol=1e-6)
report("norm_l1", normalize(a, order=1), rule="close", rtol=1e-6)
report("norm_1d", normalize(np.array([3., 4.])), rule="close", rtol=1e-6)
report("norm_1d_shape", list(normalize(np.array([3., 4.])).shape))


class Batches(Sequence):
    def __init__(self, n, bs):
        self.n, self.bs = n, bs
        self.ends = 0

    def __len__(self):
        return int(np.ceil(self.n / float(self.bs)))

    def __getitem__(self, idx):
        lo = idx * self.bs
        hi = min(lo + self.bs, self.n)
        return np.arange(lo, hi, dtype='float32')[:, None], np.arange(lo, hi, dtype='float32')[:, None]

    def on_epoch_end(self):
        self.ends += 1


seq = Batches(7, 3)
report("seq_len", len(seq))
report("seq_iter", [b[0][:, 0].tolist() for b in seq])
model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(1,), kernel_initializer='ones', use_bias=False)])
model.compile('sgd', 'mse')
report("seq_predict", model.predict(seq, verbose=0), rule="close", rtol=1e-6)
model.fit(seq, epochs=2, verbose=0, shuffle=False)
report("seq_epoch_ends", seq.ends, rule="range", lo=2, hi=3)
report("seq_evaluate", model.evaluate(seq, verbose=0), rule="close", rtol=1e-4, atol=1e-6)

with open('local.txt', 'w') as f:
    f.write('hello')
import os
os.makedirs('cache')
p = keras.utils.get_file('copied.txt', origin='file://' + os.path.abspath('local.txt'), cache_dir=os.path.abspath('cache'))
report("get_file_rel", os.path.relpath(p, os.path.abspath('cache')).replace(os.sep, '/'))
report("get_file_content", open(p).read())


@keras.utils.register_keras_serializable(package='MyPkg')
class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        config = super().get_config()
        config.update({'factor': self.factor})
        return config


report("registered_name", keras.utils.get_registered_name(Scale))
report("registered_object", keras.utils.get_registered_object('MyPkg>Scale') is Scale)
report("registered_plain_fn", keras.utils.get_registered_name(normalize))
m = keras.models.Sequential([keras.layers.InputLayer(input_shape=(2,)), Scale(3.0)])
m2 = keras.models.model_from_json(m.to_json())
report("registered_roundtrip", m2.predict(np.ones((1, 2)), verbose=0), rule="close", rtol=1e-6)
