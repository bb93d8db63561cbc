"""ImageDataGenerator random augmentation is numpy-seeded: flow(seed=...) and
get_random_transform(seed=...) give Keras's exact transforms and pixels."""
import numpy as np
from keras.preprocessing.image import ImageDataGenerator

x = np.random.RandomState(0).uniform(0, 255, (4, 6, 6, 3)).astype('float32')
settings = [dict(rotation_range=30), dict(width_shift_range=0.2, height_shift_range=0.2),
            dict(horizontal_flip=True, vertical_flip=True), dict(zoom_range=0.3, shear_range=10),
            dict(channel_shift_range=20), dict(brightness_range=(0.5, 1.5)),
            dict(width_shift_range=[-1, 1]),
            dict(rotation_range=10, width_shift_range=2, zoom_range=[0.8, 1.2], horizontal_flip=True,
                 fill_mode='reflect')]
for i, kw in enumerate(settings):
    g = ImageDataGenerator(**kw)
    a, b = g.flow(x, np.arange(4), batch_size=2, seed=42).next()
    report("flow_%d_y" % i, b)
    report("flow_%d_x" % i, a, rule="close", rtol=1e-4, atol=1e-3)
    t = g.get_random_transform((6, 6, 3), seed=7)
    report("transform_%d" % i, {k: (None if v is None else bool(v) if isinstance(v, (bool, np.bool_)) else float(v))
                                for k, v in t.items()}, rule="exact")
