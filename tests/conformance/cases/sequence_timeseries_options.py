"""TimeseriesGenerator arguments: sampling_rate, stride, start/end_index, reverse, shuffle=False,
batch_size, get_config, to_json."""
import json
import numpy as np
from keras.preprocessing.sequence import TimeseriesGenerator

data = np.arange(40).reshape(20, 2)
targets = np.arange(20) * 10

g = TimeseriesGenerator(data, targets, length=4, sampling_rate=2, stride=3, start_index=2, end_index=15, batch_size=3)
report("len", len(g))
for i in range(len(g)):
    x, y = g[i]
    report("b%d_x" % i, x)
    report("b%d_y" % i, y)
r = TimeseriesGenerator(data, targets, length=3, reverse=True, batch_size=4)
x, y = r[0]
report("reverse_x", x)
report("reverse_y", y)
report("reverse_len", len(r))
one = TimeseriesGenerator(data, targets, length=5, batch_size=100)
report("one_batch_len", len(one))
report("one_batch_shapes", [list(one[0][0].shape), list(one[0][1].shape)])
report("x_dtype", str(one[0][0].dtype))
cfg = g.get_config()
report("config_keys", sorted(cfg.keys()))
report("config_scalars", {k: cfg[k] for k in ('length', 'sampling_rate', 'stride', 'start_index', 'end_index', 'shuffle', 'reverse', 'batch_size')})
j = json.loads(g.to_json())
report("json_keys", sorted(j.keys()))
report("json_class", j.get('class_name'))
s = TimeseriesGenerator(data, targets, length=4, shuffle=True, batch_size=2)
report("shuffle_len", len(s))
report("shuffle_shape", list(s[0][0].shape))
try:
    TimeseriesGenerator(data, targets[:5], length=3)
    report("len_mismatch", "none")
except ValueError:
    report("len_mismatch", "ValueError")
try:
    TimeseriesGenerator(data, targets, length=30)
    report("too_long", "none")
except ValueError:
    report("too_long", "ValueError")
