"""text_to_word_sequence, one_hot, hashing_trick (md5 deterministic) options."""
from keras.preprocessing.text import text_to_word_sequence, one_hot, hashing_trick
import keras

report("ttws_default", text_to_word_sequence("The quick, brown Fox!  jumped\tover\nthe dog..."))
report("ttws_nolower", text_to_word_sequence("The quick, Brown fox", lower=False))
report("ttws_split", text_to_word_sequence("a-b--c d", split='-'))
report("ttws_filters", text_to_word_sequence("hello, world! x.y", filters=','))
report("hash_md5", hashing_trick("the cat sat on the mat", 20, hash_function='md5'))
report("hash_md5_nolower", hashing_trick("The Cat the cat", 1000, hash_function='md5', lower=False))
report("hash_md5_split", hashing_trick("a;b;c;a", 7, hash_function='md5', split=';'))
h = one_hot("the cat sat on the mat the", 50)
report("one_hot_len", len(h))
report("one_hot_range", h, rule="range", lo=1, hi=49)
report("one_hot_consistent", h[0] == h[4] == h[6])
report("hash_none_range", hashing_trick("x y z x", 10), rule="range", lo=1, hi=9)
report("hash_custom", hashing_trick("aa b cccc", 10, hash_function=len))
report("module_path_fn", keras.preprocessing.text.text_to_word_sequence("A b") )
