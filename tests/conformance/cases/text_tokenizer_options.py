"""Tokenizer options: char_level, oov_token, num_words (and Keras 1 nb_words), filters, lower,
split, sequences_to_texts, texts_to_matrix modes with num_words, to_json round trip."""
import json
import numpy as np
from keras.preprocessing.text import Tokenizer, tokenizer_from_json

texts = ['The cat sat on the mat.', 'The dog ate my homework!', 'My cat ate the fish, and the dog sat.',
         'Dogs and cats: friends?']

t = Tokenizer(num_words=5, oov_token='<OOV>')
t.fit_on_texts(texts)
report("oov_word_index", t.word_index)
report("oov_seqs", t.texts_to_sequences(['the zebra ate the cat', 'my dog']))
report("oov_seq_to_texts", t.sequences_to_texts([[1, 2, 3, 9, 20], [4, 5]]))
report("oov_matrix_binary", t.texts_to_matrix(['the zebra ate the cat'], mode='binary'))
report("oov_matrix_count", t.texts_to_matrix(['the zebra ate the cat the'], mode='count'))
report("oov_matrix_freq", t.texts_to_matrix(['the zebra ate the cat the'], mode='freq'), rule="close", rtol=1e-6)
report("oov_matrix_tfidf", t.texts_to_matrix(['the zebra ate the cat the', 'dog'], mode='tfidf'), rule="close", rtol=1e-6)

c = Tokenizer(char_level=True)
c.fit_on_texts(['hello world', 'Help!'])
report("char_word_index", c.word_index)
report("char_seqs", c.texts_to_sequences(['hold', 'xyz h']))
report("char_seq_to_texts", c.sequences_to_texts([[1, 2, 3]]))

nl = Tokenizer(lower=False, filters='!', split=',')
nl.fit_on_texts(['A,b,A!,c', 'B,b'])
report("nolower_word_index", nl.word_index)
report("nolower_word_counts", dict(nl.word_counts))

t2 = Tokenizer(num_words=3)
t2.fit_on_texts(texts)
report("num_words_seqs", t2.texts_to_sequences(texts))
report("num_words_matrix", t2.texts_to_matrix(texts))
report("seq_to_matrix_tfidf", t2.sequences_to_matrix([[1, 2, 2], [1]], mode='tfidf'), rule="close", rtol=1e-6)
report("gen_seqs", [s for s in t2.texts_to_sequences_generator(texts[:2])])

t3 = Tokenizer()
t3.fit_on_sequences([[1, 2, 3], [2, 3, 3], [5]])
report("fit_seq_document_count", t3.document_count)
report("fit_seq_index_docs", dict(t3.index_docs))
try:
    t3.sequences_to_matrix([[1, 2, 3], [5, 5]], mode='tfidf')
    report("fit_seq_matrix_no_words", "none")
except ValueError:
    report("fit_seq_matrix_no_words", "ValueError")
t4 = Tokenizer(num_words=7)
t4.fit_on_sequences([[1, 2, 3], [2, 3, 3], [5]])
report("fit_seq_matrix_tfidf", t4.sequences_to_matrix([[1, 2, 3], [5, 5]], mode='tfidf'), rule="close", rtol=1e-6)

s = t.to_json()
d = json.loads(s)
report("json_keys", sorted(d.keys()))
report("json_config_keys", sorted(d['config'].keys()))
report("json_config_scalar", {k: d['config'][k] for k in ('num_words', 'filters', 'lower', 'split', 'char_level', 'oov_token', 'document_count')})
r = tokenizer_from_json(s)
report("json_roundtrip_index", r.word_index)
report("json_roundtrip_seqs", r.texts_to_sequences(['the zebra ate the cat']))
report("json_roundtrip_word_docs", dict(r.word_docs))
report("json_roundtrip_index_docs", {str(k): v for k, v in r.index_docs.items()})
report("get_config_keys", sorted(t.get_config().keys()))

try:
    Tokenizer(num_words=3).texts_to_matrix(['a'])
    report("matrix_unfit_error", "none")
except ValueError as e:
    report("matrix_unfit_error", "ValueError")
report("json_roundtrip_printed", str(r.word_counts))  # word_docs order follows set order in Keras
report("json_roundtrip_types", [type(getattr(r, a)).__name__ for a in ('word_counts', 'word_docs', 'index_docs', 'word_index', 'index_word')])
report("fresh_types", [type(getattr(Tokenizer(), a)).__name__ for a in ('word_counts', 'word_docs', 'index_docs', 'word_index', 'index_word')])
