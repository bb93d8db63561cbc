"""The preprocessing snippets of the second seed post (seeds/004), as the post wrote them."""
import warnings

import numpy as np

import torchkeras_compat as keras
from torchkeras_compat.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table,
                                                      pad_sequences, skipgrams)
from torchkeras_compat.preprocessing.text import Tokenizer, one_hot, text_to_word_sequence

ALLTEXT = ["The quick brown fox jumps over the lazy dog.",
           "Never jump over the lazy dog quickly!",
           "A fox, a dog and a cat walk into a bar."]


def test_text_section():
    words = text_to_word_sequence(ALLTEXT[0])
    assert words[:3] == ["the", "quick", "brown"]
    # index building "method 1": sort the words, then number them
    vocab = sorted(set(words), reverse=True)
    index = dict(list(zip(vocab, range(len(vocab)))))
    assert sorted(index.values()) == list(range(len(vocab)))
    codes = one_hot(ALLTEXT[0], round(len(set(words)) * 1.3))
    assert len(codes) == len(words)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        tokenizer = Tokenizer(nb_words=1000)
    tokenizer.fit_on_texts(ALLTEXT)
    word_sequences = tokenizer.texts_to_sequences(ALLTEXT)
    MAX_sequence_length = 8
    padded_word_sequences = pad_sequences(word_sequences, maxlen=MAX_sequence_length)
    assert padded_word_sequences.shape == (3, 8)
    assert tokenizer.texts_to_matrix(ALLTEXT).shape == (3, 1000)
    assert tokenizer.sequences_to_matrix(word_sequences, mode="count").shape == (3, 1000)


def test_sequence_section_and_fit_with_a_timeseries_generator():
    data = np.array([[i] for i in range(50)])
    targets = np.array([[i] for i in range(50)])
    data_gen = TimeseriesGenerator(data, targets, length=10, sampling_rate=2, batch_size=2)
    assert len(data_gen) == 20
    x, y = data_gen[0]
    assert np.array_equal(x, np.array([[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]))
    assert np.array_equal(y, np.array([[10], [11]]))
    couples, labels = skipgrams([1, 2, 3, 4, 5], vocabulary_size=6, window_size=1,
                                sampling_table=make_sampling_table(6, 1.0))
    assert len(couples) == len(labels)

    gen = TimeseriesGenerator(data.astype("float32") / 50, targets.astype("float32") / 50,
                              length=10, sampling_rate=2, batch_size=8)
    model = keras.models.Sequential([keras.layers.Flatten(input_shape=(5, 1)),
                                     keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(gen, epochs=2, verbose=0, workers=2)
    assert len(history.history["loss"]) == 2
