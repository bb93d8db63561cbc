"""Text preprocessing (``keras.preprocessing.text``): word splitting, hashing and the
``Tokenizer``, giving exactly Keras 2's vocabularies, sequences and matrices.

Word counting and look-ups run through C-level dict/Counter primitives and matrix building is
vectorised with numpy, so results equal Keras's loops while running several times faster.
"""
import functools
import hashlib
import json
import operator
from collections import OrderedDict, defaultdict
from itertools import chain, count, repeat
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Union

import numpy as np

from torchkeras_compat import legacy

__all__ = ["text_to_word_sequence", "one_hot", "hashing_trick", "Tokenizer",
           "tokenizer_from_json"]

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_not_none = functools.partial(operator.is_not, None)


@functools.lru_cache(maxsize=64)
def _translation_table(filters: Union[str, tuple], split: str) -> dict:
    return str.maketrans({c: split for c in filters})


def text_to_word_sequence(input_text: str, filters: str = DEFAULT_FILTERS, lower: bool = True,
                          split: str = " ") -> List[str]:
    """Split a text into words: lower-case it, turn every `filters` character into `split`,
    split on `split` and drop empty strings.

    >>> text_to_word_sequence('This is a sample sentence.')
    ['this', 'is', 'a', 'sample', 'sentence']
    """
    if not isinstance(input_text, str):
        raise ValueError(f"text_to_word_sequence expects a string, got {type(input_text).__name__}"
                         f": {input_text!r}.")
    if lower:
        input_text = input_text.lower()
    key = filters if isinstance(filters, str) else tuple(filters)
    words = input_text.translate(_translation_table(key, split)).split(split)
    return list(filter(None, words))


def _md5_hash(word: str) -> int:
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text: str, n: int, hash_function: Union[None, str, Callable] = None,
                  filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ",
                  analyzer: Optional[Callable] = None) -> List[int]:
    """Map each word of `text` to `hash(word) % (n - 1) + 1`, an index in `[1, n)`.

    `hash_function` is python's `hash` by default (salted per process unless PYTHONHASHSEED
    is set, as in Keras) or 'md5' for a stable hash, or any callable str -> int.
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5_hash
    if analyzer is None:
        words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    else:
        words = analyzer(text)
    return [hash_function(w) % (n - 1) + 1 for w in words]


def one_hot(input_text: str, n: int, filters: str = DEFAULT_FILTERS, lower: bool = True,
            split: str = " ", analyzer: Optional[Callable] = None) -> List[int]:
    """`hashing_trick` with python's `hash`: word indices in `[1, n)` (not a one-hot matrix)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


def _word_id_table() -> defaultdict:
    """A word -> id dict that gives an unseen word the next id (0, 1, 2, ...) on lookup."""
    return defaultdict(count().__next__)


class Tokenizer:
    """Turns texts into sequences of word indices or into bag-of-words matrices.

    Words are numbered by decreasing frequency from 1 (ties: first-seen first); 0 is never a
    word. Only the `num_words - 1` most frequent words are used when converting.

    Args:
        num_words: keep the words with index < `num_words` (`nb_words` is the Keras 1 name).
        filters: characters removed from texts (replaced by `split`).
        lower: lower-case texts.
        split: word separator.
        char_level: every character is a token.
        oov_token: if given, it gets index 1 and replaces out-of-vocabulary words.
        analyzer: callable text -> list of tokens, replacing the built-in splitting.
        document_count: starting document count (used when restoring from a config).

    Attributes after fitting: `word_counts` (OrderedDict word -> count, first-seen order),
    `word_docs` (word -> number of documents), `word_index`, `index_word`, `index_docs`
    (index -> number of documents) and `document_count`.
    """

    def __init__(self, num_words: Optional[int] = None, filters: str = DEFAULT_FILTERS,
                 lower: bool = True, split: str = " ", char_level: bool = False,
                 oov_token: Optional[str] = None, analyzer: Optional[Callable] = None, **kwargs):
        legacy.translate("Tokenizer", kwargs)
        num_words = kwargs.pop("num_words", num_words)
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = defaultdict(int)
        self.word_index: Dict[str, int] = {}
        self.index_word: Dict[int, str] = {}
        self.analyzer = analyzer
        # Fit -> transform on the same texts is the usual pattern: the last fit_on_texts call
        # remembers each text's tokens as ids into `_word_ids`, so that texts_to_sequences on
        # those very string objects (identity-checked) needs no second tokenization.
        self._word_ids = _word_id_table()
        self._token_cache = None

    def __getstate__(self) -> dict:
        # the fit->transform cache holds the fitted texts: never pickle it with the tokenizer
        state = dict(self.__dict__)
        state["_token_cache"] = None
        state["_word_ids"] = None  # rebuilt (empty) on loading
        return state

    def __setstate__(self, state: dict) -> None:
        state["_token_cache"] = None
        state["_word_ids"] = _word_id_table()
        self.__dict__.update(state)

    # -- tokens --------------------------------------------------------------------------

    def _tokens(self, text):
        """The tokens of one text, by Keras's rules (a list of tokens is used as given)."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        if not isinstance(text, str):
            raise ValueError(f"Tokenizer expects texts as strings (or lists of tokens); got "
                             f"{type(text).__name__}: {text!r}.")
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    # -- fitting -------------------------------------------------------------------------

    def fit_on_texts(self, texts: Iterable) -> None:
        """Update the word counts and document counts from `texts`, then renumber the words.

        Args:
            texts: strings, or lists of tokens (used as given, lower-cased if `lower`).
        """
        if isinstance(texts, str):
            raise ValueError("fit_on_texts expects a list of texts, got a single string. "
                             "Wrap it in a list: fit_on_texts([text]).")
        # word -> id; a missing word gets the next id from C (defaultdict + count), so ids
        # number the words in the order they were first seen
        word_id = self._word_ids.__getitem__
        token_ids, unique_ids = [], []  # per document
        cached_texts, cached_ids = [], []
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            ids = np.fromiter(map(word_id, tokens), np.int32, count=len(tokens))
            token_ids.append(ids)
            unique = set(tokens)
            unique_ids.append(np.fromiter(map(word_id, unique), np.int32, count=len(unique)))
            if isinstance(text, str) and self.analyzer is None:
                cached_texts.append(text)
                cached_ids.append(ids)
        self._token_cache = (self._token_settings(), cached_texts, cached_ids)
        self._merge_counts(token_ids, unique_ids)
        self._renumber()

    def _merge_counts(self, token_ids: List[np.ndarray], unique_ids: List[np.ndarray]) -> None:
        """Add this fit's counts (from word ids) to word_counts / word_docs; words new to the
        vocabulary are appended in the order they first occurred, as Keras's loop did."""
        if not token_ids:
            return
        words = list(self._word_ids)  # id -> word
        counts = np.bincount(np.concatenate(token_ids), minlength=len(words))
        docs = np.bincount(np.concatenate(unique_ids), minlength=len(words))
        word_counts, word_docs = self.word_counts, self.word_docs
        # ids follow first occurrence, so new words are appended in Keras's order
        for i in np.flatnonzero(counts).tolist():
            w = words[i]
            word_counts[w] = word_counts.get(w, 0) + int(counts[i])
            word_docs[w] = word_docs.get(w, 0) + int(docs[i])

    def _token_settings(self) -> tuple:
        return (self.filters, self.lower, self.split, self.char_level, self.analyzer)

    def _cached_token_ids(self):
        """(texts, id arrays) remembered by the last fit, if the tokenizing settings still hold."""
        cache = getattr(self, "_token_cache", None)
        if cache is None or cache[0] != self._token_settings():
            return None
        return cache[1], cache[2]

    def _renumber(self) -> None:
        # sorted() is stable also with reverse=True: equal counts keep first-seen order
        ranked = sorted(self.word_counts.items(), key=operator.itemgetter(1), reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(w for w, _ in ranked)
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        word_index = self.word_index
        for w, c in list(self.word_docs.items()):
            self.index_docs[word_index[w]] = c

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        """Update `index_docs` and `document_count` from sequences of word indices (for tfidf)."""
        sequences = list(sequences)
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] = self.index_docs.get(i, 0) + 1

    # -- texts <-> sequences -------------------------------------------------------------

    def _sequence_lookup(self):
        """(word -> index table, value for words not in it, whether the exact slow rule is needed)."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        table = self.word_index
        if num_words:
            table = {w: i for w, i in table.items() if i < num_words}
        if self.oov_token is None:
            return table, None, False
        if oov_index is None:  # oov_token set but not in the vocabulary: Keras's odd rule
            return table, None, True
        return table, oov_index, False

    def texts_to_sequences(self, texts: Iterable) -> List[List[int]]:
        """Each text as the list of its words' indices (unknown words dropped or `oov_token`)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts: Iterable) -> Iterator[List[int]]:
        """Generator version of `texts_to_sequences`."""
        if isinstance(texts, str):
            raise ValueError("texts_to_sequences expects a list of texts, got a single string. "
                             "Wrap it in a list: texts_to_sequences([text]).")
        table, oov_index, exact = self._sequence_lookup()
        get = table.get
        cached = None if exact else self._cached_token_ids()
        lut = None
        for position, text in enumerate(texts):
            if (cached is not None and position < len(cached[0])
                    and text is cached[0][position]):
                if lut is None:  # remembered word id -> index now (-1: dropped)
                    missing = -1 if oov_index is None else oov_index
                    lut = np.fromiter(map(get, self._word_ids, repeat(missing)), np.int64,
                                      count=len(self._word_ids))
                mapped = lut[cached[1][position]]
                yield (mapped[mapped >= 0] if oov_index is None else mapped).tolist()
                continue
            tokens = self._tokens(text)
            if exact:
                yield self._exact_sequence(tokens)
            elif oov_index is None:
                yield list(filter(_not_none, map(get, tokens)))
            else:
                yield list(map(get, tokens, repeat(oov_index)))

    def _exact_sequence(self, tokens) -> List:
        # oov_token given but never fitted: in-vocabulary words beyond num_words are dropped
        # and unknown words become None, exactly as Keras 2 did.
        out = []
        for w in tokens:
            i = self.word_index.get(w)
            if i is not None:
                if not (self.num_words and i >= self.num_words):
                    out.append(i)
            else:
                out.append(None)
        return out

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> List[str]:
        """Each sequence of indices back to a space-joined text (unknown indices dropped or
        shown as `oov_token`)."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Iterable[Iterable[int]]) -> Iterator[str]:
        """Generator version of `sequences_to_texts`."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        oov_word = self.index_word.get(oov_index) if oov_index is not None else None
        index_word = self.index_word
        for seq in sequences:
            words = []
            for num in seq:
                word = index_word.get(num)
                if word is not None:
                    if num_words and num >= num_words:
                        if oov_index is not None:
                            words.append(oov_word)
                    else:
                        words.append(word)
                elif self.oov_token is not None:
                    if oov_word is None:
                        raise ValueError(f"Index {num} is unknown and the oov_token "
                                         f"{self.oov_token!r} is not in the vocabulary; fit the "
                                         "Tokenizer first.")
                    words.append(oov_word)
            yield " ".join(words)

    # -- matrices ------------------------------------------------------------------------

    def texts_to_matrix(self, texts: Iterable, mode: str = "binary") -> np.ndarray:
        """Bag-of-words matrix of `texts`: see `sequences_to_matrix`."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode: str = "binary") -> np.ndarray:
        """Bag-of-words matrix, shape `(len(sequences), num_words)` (float64).

        `num_words` is the Tokenizer's, else `len(word_index) + 1` (column 0 is never used).
        Indices >= that are ignored. Modes: 'binary' (0/1), 'count', 'freq' (count divided by
        the sequence length), 'tfidf' (`(1 + log(count)) * log(1 + N / (1 + docs(word)))`).
        """
        if mode not in ("binary", "count", "freq", "tfidf"):
            raise ValueError("Unknown vectorization mode:", mode)
        if not self.num_words:
            if not self.word_index:
                raise ValueError("Specify a dimension (`num_words` argument), or fit on some "
                                 "text data first.")
            num_words = len(self.word_index) + 1
        else:
            num_words = self.num_words
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")

        n = len(sequences)
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=n)
        if isinstance(sequences, np.ndarray):
            flat = sequences.reshape(-1).astype(np.int64)
        else:
            flat = np.fromiter(chain.from_iterable(sequences), dtype=np.int64,
                               count=int(lengths.sum()))
        if flat.size and flat.min() < 0:
            raise ValueError("sequences_to_matrix: word indices must be >= 0; found "
                             f"{int(flat.min())}.")
        rows = np.repeat(np.arange(n), lengths)
        keep = flat < num_words
        # (row, word) cells that occur, with their counts; a dense bincount when the matrix is
        # small next to the token count, else a sort of the tokens (no dense temporary)
        keys = rows[keep] * num_words + flat[keep]
        if n * num_words <= 4 * len(keys):
            counts = np.bincount(keys, minlength=n * num_words)
            cells = np.flatnonzero(counts)
            counts = counts[cells]
        else:
            cells, counts = np.unique(keys, return_counts=True)
        r, c = np.divmod(cells, num_words)
        x = np.zeros((n, num_words))
        if mode == "count":
            x[r, c] = counts
        elif mode == "binary":
            x[r, c] = 1
        elif mode == "freq":
            x[r, c] = counts / lengths[r]  # the full length, dropped words included
        else:
            docs = np.zeros(num_words, dtype=np.float64)
            for j, d in self.index_docs.items():
                if 0 <= j < num_words:
                    docs[j] = d
            idf = np.log(1 + self.document_count / (1 + docs))
            x[r, c] = (1 + np.log(counts)) * idf[c]
        return x

    # -- saving --------------------------------------------------------------------------

    def get_config(self) -> dict:
        """Keras 2's config: settings plus the tables as JSON strings."""
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower,
            "split": self.split, "char_level": self.char_level, "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs) -> str:
        """JSON string of `{'class_name': 'Tokenizer', 'config': get_config()}`; `kwargs` go
        to `json.dumps`. Load with `tokenizer_from_json`."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """Rebuild a `Tokenizer` saved with `Tokenizer.to_json()` (also Keras 2's files)."""
    config = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))
    tokenizer = Tokenizer(**config)
    # plain dicts, as Keras's loader gives (they print as dicts); refitting still works since
    # the fit methods never rely on defaultdict's missing-key default
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = word_docs
    tokenizer.index_docs = index_docs
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
