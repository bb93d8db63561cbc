"""ImageDataGenerator deterministic parts: featurewise/samplewise center & std normalization,
fit statistics, standardize, flow with shuffle=False, sample_weight, validation_split subsets,
zca shapes, apply_transform / get_random_transform with explicit params."""
import numpy as np
from keras.preprocessing.image import ImageDataGenerator

rng = np.random.RandomState(0)
x = rng.uniform(0, 255, size=(6, 5, 4, 3)).astype('float32')
y = np.arange(6)

g = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
g.fit(x)
report("fw_mean", g.mean, rule="close", rtol=1e-5)
report("fw_std", g.std, rule="close", rtol=1e-5)
report("fw_mean_shape", list(g.mean.shape))
out = g.standardize(x[:2].copy())
report("fw_standardize", out, rule="close", rtol=1e-4, atol=1e-5)
it = g.flow(x, y, batch_size=4, shuffle=False)
report("flow_len", len(it))
bx, by = it[0]
report("flow_b0_x", bx, rule="close", rtol=1e-4, atol=1e-5)
report("flow_b0_y", by)
bx, by = it[1]
report("flow_b1_y", by)
report("flow_dtype", str(bx.dtype))

s = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True, rescale=1. / 255)
out = s.standardize(x[:2].copy())
report("sw_standardize", out, rule="close", rtol=1e-4, atol=1e-5)

z = ImageDataGenerator(zca_whitening=True)
z.fit(x)
report("zca_shape", list(z.zca_whitening_matrix.shape))
report("zca_out_shape", list(z.standardize(x[:1].copy()).shape))

v = ImageDataGenerator(validation_split=0.5)
ys = np.array([0, 1, 2, 0, 1, 2])
tr = v.flow(x, ys, batch_size=10, shuffle=False, subset='training')
va = v.flow(x, ys, batch_size=10, shuffle=False, subset='validation')
report("split_train_x0", tr[0][0][:, 0, 0, 0], rule="close", rtol=1e-6)
try:
    v.flow(x, y, subset='training')
    report("split_class_mismatch", "none")
except ValueError:
    report("split_class_mismatch", "ValueError")
report("split_train_y", tr[0][1])
report("split_val_y", va[0][1])

w = ImageDataGenerator().flow(x, y, sample_weight=np.arange(6) / 10., batch_size=3, shuffle=False)
b = w[1]
report("sw_batch_len", len(b))
report("sw_batch_weights", b[2], rule="close", rtol=1e-6)
nx = ImageDataGenerator().flow(x, batch_size=4, shuffle=False)
report("no_y_type", type(nx[0]).__name__)
report("no_y_shape", list(nx[1].shape))

a = ImageDataGenerator()
img = np.arange(5 * 4 * 3, dtype='float32').reshape(5, 4, 3)
report("flip_h", a.apply_transform(img, {'flip_horizontal': True}))
report("flip_v", a.apply_transform(img, {'flip_vertical': True}))
report("channel_shift", a.apply_transform(img, {'channel_shift_intensity': 5.0}), rule="close", rtol=1e-5)
report("brightness", a.apply_transform(img, {'brightness': 0.5}), rule="close", rtol=1e-4, atol=1e-3)
report("shift", a.apply_transform(img, {'tx': 1, 'ty': 1}), rule="close", rtol=1e-5, atol=1e-4)
report("rotate90", a.apply_transform(np.arange(16, dtype='float32').reshape(4, 4, 1), {'theta': 90}), rule="close", rtol=1e-4, atol=1e-3)
report("zoom", a.apply_transform(img, {'zx': 2, 'zy': 2}), rule="close", rtol=1e-4, atol=1e-3)
p = ImageDataGenerator(rotation_range=10, width_shift_range=0.1, horizontal_flip=True).get_random_transform((5, 4, 3), seed=1)
report("random_transform_keys", sorted(p.keys()))
