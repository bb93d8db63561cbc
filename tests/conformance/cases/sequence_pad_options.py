"""pad_sequences every option; skipgrams shapes and make_sampling_table."""
import numpy as np
from keras.preprocessing.sequence import pad_sequences, make_sampling_table, skipgrams
from keras.preprocessing import sequence

seqs = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], []]
report("default", pad_sequences(seqs))
report("default_dtype", str(pad_sequences(seqs).dtype))
report("post_post", pad_sequences(seqs, maxlen=4, padding='post', truncating='post'))
report("pre_post", pad_sequences(seqs, maxlen=2, padding='pre', truncating='post'))
report("value", pad_sequences(seqs, maxlen=6, value=-1))
report("float", pad_sequences([[1.5, 2.5], [3.7]], dtype='float32', value=0.5))
report("float_dtype", str(pad_sequences([[1.5, 2.5], [3.7]], dtype='float32').dtype))
report("int_truncates_float", pad_sequences([[1.5, 2.5], [3.7]]))
o = pad_sequences([['a', 'b'], ['c']], dtype=object, value='<pad>')
report("object", o.tolist())
report("object_dtype", str(o.dtype))
s = pad_sequences([['aa', 'b'], ['ccc']], dtype='<U5', value='_', padding='post')
report("str", s.tolist())
report("multidim", pad_sequences([np.ones((2, 3)), np.ones((1, 3)) * 2], maxlen=3))
report("empty_all", pad_sequences([[], []]).shape)
report("np_arrays", pad_sequences(np.array([[1, 2, 3], [4, 5, 6]]), maxlen=2))
report("tuple_seqs", pad_sequences(([1], (2, 3))))
for bad in (dict(padding='middle'), dict(truncating='middle')):
    try:
        pad_sequences([[1, 2, 3]], maxlen=2, **bad)
        report("bad_" + list(bad)[0], "none")
    except ValueError:
        report("bad_" + list(bad)[0], "ValueError")
try:
    pad_sequences([['a']], value=0)
    report("str_int_value", "none")
except ValueError:
    report("str_int_value", "ValueError")

t = make_sampling_table(10)
report("sampling_table", t, rule="close", rtol=1e-6)
report("sampling_table_factor", make_sampling_table(5, sampling_factor=1e-3), rule="close", rtol=1e-6)
couples, labels = skipgrams([1, 2, 3, 4], vocabulary_size=5, window_size=1, negative_samples=0., shuffle=False)
report("skipgrams_noneg", [couples, labels])
couples, labels = skipgrams([1, 2, 3, 0, 4], vocabulary_size=5, window_size=2, shuffle=False, negative_samples=1.0, seed=1)
report("skipgrams_len", [len(couples), len(labels), sum(labels)])
report("skipgrams_pos", couples[:sum(labels)])
couples, labels = skipgrams([1, 2, 3], vocabulary_size=5, window_size=1, categorical=True, negative_samples=0, shuffle=False)
report("skipgrams_categorical", labels)
report("module_attr", sequence.pad_sequences([[1]], maxlen=2))
