"""keras.preprocessing.text against values recorded from Keras 2 (tests/fixtures/make_preprocessing.py)."""
import json
import os
import warnings

import numpy as np
import pytest

from torchkeras_compat.preprocessing.text import (Tokenizer, hashing_trick, one_hot,
                                                  text_to_word_sequence, tokenizer_from_json)

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "preprocessing",
                       "text_sequence.json")


@pytest.fixture(scope="module")
def ref():
    with open(FIXTURE) as f:
        return json.load(f)


def _fit(settings, texts):
    t = Tokenizer(**settings)
    t.fit_on_texts(texts)
    t.fit_on_texts([["A", "list", "of", "w1"]])
    t.fit_on_sequences([[1, 2, 3], [2, 5]])
    return t


def _pairs(items):
    return [list(p) for p in items]


def test_tokenizer_tables_match_keras(ref):
    for entry in ref["tokenizers"]:
        t = _fit(entry["settings"], ref["texts"])
        assert _pairs(t.word_counts.items()) == entry["word_counts"], entry["settings"]
        assert _pairs(sorted(t.word_docs.items())) == entry["word_docs"]
        assert _pairs(t.word_index.items()) == entry["word_index"]
        assert _pairs(sorted(t.index_docs.items())) == entry["index_docs"]
        assert t.document_count == entry["document_count"]
        assert t.index_word == {i: w for w, i in t.word_index.items()}


def test_tokenizer_sequences_and_texts_match_keras(ref):
    for entry in ref["tokenizers"]:
        t = _fit(entry["settings"], ref["texts"])
        seqs = t.texts_to_sequences(ref["texts"] + ["unknownword w1 zzz"])
        assert seqs == entry["sequences"], entry["settings"]
        assert t.sequences_to_texts(seqs + [[1, 999, 2]]) == entry["texts_back"]
        assert list(t.texts_to_sequences_generator(ref["texts"][:3])) == seqs[:3]


def test_tokenizer_matrices_match_keras_exactly(ref):
    for entry in ref["tokenizers"]:
        t = _fit(entry["settings"], ref["texts"])
        for mode, expected in entry["matrices"].items():
            got = t.texts_to_matrix(ref["texts"][:12], mode=mode)
            assert got.dtype == np.float64
            np.testing.assert_array_equal(got, np.array(expected), err_msg=f"{entry['settings']} {mode}")


def test_nb_words_is_keras1_spelling_of_num_words():
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        t = Tokenizer(nb_words=3)
    assert t.num_words == 3
    t.fit_on_texts(["a a a b b c"])
    assert t.texts_to_sequences(["a b c"]) == [[1, 2]]


def test_json_round_trip_keeps_everything(ref):
    t = _fit({"oov_token": "<unk>", "num_words": 12}, ref["texts"])
    t2 = tokenizer_from_json(t.to_json())
    assert t2.word_index == t.word_index and t2.index_word == t.index_word
    assert t2.get_config() == t.get_config()
    np.testing.assert_array_equal(t2.texts_to_matrix(ref["texts"], "tfidf"),
                                  t.texts_to_matrix(ref["texts"], "tfidf"))
    t2.fit_on_texts(["brand new words"])  # a restored tokenizer can keep learning
    assert "brand" in t2.word_index


def test_word_splitting_and_hashing(ref):
    assert text_to_word_sequence("Hello, World!\tThis is-a TEST.") == ref["text_to_word_sequence"]
    assert hashing_trick("hello world The cat", 17, hash_function="md5") == ref["md5_hashing_trick"]
    codes = one_hot("the cat the", 5)
    assert len(codes) == 3 and codes[0] == codes[2] and all(1 <= c < 5 for c in codes)


def test_bad_input_errors():
    t = Tokenizer()
    with pytest.raises(ValueError, match="fit on some text"):
        t.texts_to_matrix(["a"])
    with pytest.raises(ValueError, match="list of texts"):
        t.fit_on_texts("a single string")
    t.fit_on_texts(["a b"])
    with pytest.raises(ValueError, match="Unknown vectorization mode"):
        t.texts_to_matrix(["a"], mode="bogus")
    with pytest.raises(ValueError, match="strings"):
        t.texts_to_sequences([3.5])
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        Tokenizer(num_wordz=3)


def test_fit_then_transform_same_texts_equals_fresh_tokenization(ref):
    texts = ref["texts"]
    for settings in [entry["settings"] for entry in ref["tokenizers"]]:
        t = Tokenizer(**settings)
        t.fit_on_texts(texts)
        copies = [x.encode().decode() for x in texts]  # equal strings, different objects
        assert t.texts_to_sequences(texts) == t.texts_to_sequences(copies), settings
        np.testing.assert_array_equal(t.texts_to_matrix(texts, "tfidf"),
                                      t.texts_to_matrix(copies, "tfidf"))
    t = Tokenizer()
    t.fit_on_texts(texts)
    t.lower = False  # settings changed after fitting: the texts are tokenized again
    assert t.texts_to_sequences(texts) == t.texts_to_sequences([x.encode().decode() for x in texts])


def test_pickled_tokenizer_is_small_and_still_works(ref):
    import pickle

    t = Tokenizer(num_words=20)
    t.fit_on_texts(ref["texts"] * 50)
    blob = pickle.dumps(t)
    assert b"w1 w" not in blob  # the fitted texts are not inside
    t2 = pickle.loads(blob)
    assert t2.texts_to_sequences(ref["texts"]) == t.texts_to_sequences(ref["texts"])
    t2.fit_on_texts(["w1 w1 brandnew"])
    t.fit_on_texts(["w1 w1 brandnew"])
    assert t2.word_index == t.word_index and t2.word_counts == t.word_counts


def test_tokenizer_from_json_gives_plain_dicts_that_can_be_refit():
    tok = Tokenizer()
    tok.fit_on_texts(["a b", "b c"])
    loaded = tokenizer_from_json(tok.to_json())
    # Keras's loader gives plain dicts, so they print as `{...}`
    assert str(loaded.word_counts) == "{'a': 1, 'b': 2, 'c': 1}"
    assert type(loaded.word_docs) is dict and type(loaded.index_docs) is dict
    loaded.fit_on_texts(["z a"])
    loaded.fit_on_sequences([[1, 9]])
    assert loaded.word_counts["z"] == 1 and loaded.word_docs["a"] == 2
    assert loaded.index_docs[9] == 1 and loaded.word_index["z"] == 4
