"""Categorical and text preprocessing layers: ``CategoryEncoding``, ``Discretization``,
``Hashing``, ``IntegerLookup``, ``StringLookup`` and ``TextVectorization`` (tf.keras 2.x semantics).

Numbers go through torch tensors like any layer. Strings are not torch values: ``StringLookup``
and ``TextVectorization`` take Python strings, lists or numpy arrays of ``str``/``bytes`` when
called eagerly (``vectorizer(texts)``) and return torch tensors; use them on the data before the
model (``model.fit(vectorizer(texts), y)``). A string ``Input`` inside a model graph is not
supported and says so.
"""
import math
import re
from typing import Optional

import numpy as np
import torch

from ..engine import registry
from ..engine.base_layer import Layer
from ..engine.keras_tensor import KerasTensor, flatten as flatten_keras_tensors

_COUNTING_MODES = ("one_hot", "multi_hot", "count", "tf_idf")


# ---------------------------------------------------------------- shared encoding
def _encode(indices: torch.Tensor, depth: int, mode: str, count_weights=None, idf=None,
            name: str = "") -> torch.Tensor:
    """Integer ``indices`` -> float one-hot/multi-hot/count/tf-idf rows of ``depth`` values.

    ``one_hot`` encodes each id (a last axis of size 1 is replaced); the other modes reduce the
    last axis, so a rank-1 input is a single sample, as in Keras."""
    if indices.dim() == 0:
        indices = indices.reshape(1)
    if mode == "one_hot":
        if indices.dim() > 1 and indices.shape[-1] == 1:
            indices = indices.squeeze(-1)
        _check_range(indices, depth, name)
        return torch.nn.functional.one_hot(indices.long(), depth).to(torch.float32)
    single = indices.dim() == 1
    if single:
        indices = indices.unsqueeze(0)
    _check_range(indices, depth, name)
    flat = indices.reshape(-1, indices.shape[-1]).long()
    weights = (torch.ones_like(flat, dtype=torch.float32) if count_weights is None else
               torch.as_tensor(np.asarray(count_weights), dtype=torch.float32).reshape(flat.shape))
    out = torch.zeros(flat.shape[0], depth, dtype=torch.float32, device=flat.device)
    out.scatter_add_(1, flat, weights.to(flat.device))
    if mode == "multi_hot":
        out = (out > 0).to(torch.float32)
    elif mode == "tf_idf":
        out = out * idf.to(out.device)
    out = out.reshape(tuple(indices.shape[:-1]) + (depth,))
    return out[0] if single else out


def _check_range(indices: torch.Tensor, depth: int, name: str) -> None:
    if indices.numel() and (int(indices.min()) < 0 or int(indices.max()) >= depth):
        raise ValueError(f"Layer {name}: input values must be in the range 0 <= values < "
                         f"num_tokens with num_tokens={depth}; received values from "
                         f"{int(indices.min())} to {int(indices.max())}.")


def _check_mode(mode: str, allowed, name: str) -> str:
    if mode not in allowed:
        raise ValueError(f"Layer {name}: unknown `output_mode` {mode!r}; expected one of "
                         f"{', '.join(repr(m) for m in allowed)}.")
    return mode


def _no_graph(layer: Layer, inputs) -> None:
    if isinstance(inputs, KerasTensor) or flatten_keras_tensors(inputs):
        raise NotImplementedError(
            f"Layer {layer.name} ({type(layer).__name__}) works on strings, which are not tensors "
            "here, so it cannot be part of a model graph. Apply it to the data before the model "
            "(e.g. `x = layer(texts)`, then `model.fit(x, y)`).")


# ---------------------------------------------------------------- CategoryEncoding
@registry.register("layer")
class CategoryEncoding(Layer):
    """Integer ids ``0 <= id < num_tokens`` -> ``(batch, num_tokens)`` floats.

    ``output_mode``: 'multi_hot' (default; 1 where an id occurs in the sample), 'one_hot'
    (one id per sample), 'count' (occurrences, or the sum of ``count_weights`` passed to call).
    """

    def __init__(self, num_tokens: Optional[int] = None, output_mode: str = "multi_hot",
                 sparse: bool = False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":  # TF 2.5 spelling
            output_mode = "multi_hot"
        self.output_mode = _check_mode(output_mode, ("one_hot", "multi_hot", "count"), self.name)
        if num_tokens is None:
            raise ValueError(f"Layer {self.name}: `num_tokens` must be set.")
        if sparse:
            raise NotImplementedError(f"Layer {self.name}: sparse=True outputs are not supported.")
        self.num_tokens = int(num_tokens)
        self.sparse = False

    def call(self, inputs, count_weights=None):
        return _encode(inputs, self.num_tokens, self.output_mode, count_weights, name=self.name)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.output_mode == "one_hot" and len(shape) > 1 and shape[-1] != 1:
            return shape + (self.num_tokens,)
        return (shape[:-1] if len(shape) > 1 else shape) + (self.num_tokens,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config


# ---------------------------------------------------------------- Discretization
@registry.register("layer")
class Discretization(Layer):
    """Buckets numbers: with boundaries ``[b0, b1, ...]`` a value ``x`` goes to the number of
    boundaries ``<= x`` (``x < b0`` -> 0). ``adapt(data)`` with ``num_bins`` places the
    boundaries at the data's quantiles ``i / num_bins`` (interpolated, as Keras for data that
    fits its summary exactly)."""

    def __init__(self, bin_boundaries=None, num_bins: Optional[int] = None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, **kwargs):
        kwargs.setdefault("dtype", "int64" if output_mode == "int" else None)
        super().__init__(**kwargs)
        if sparse:
            raise NotImplementedError(f"Layer {self.name}: sparse=True outputs are not supported.")
        if bin_boundaries is not None and num_bins is not None:
            raise ValueError(f"Layer {self.name}: set `bin_boundaries` or `num_bins`, not both.")
        self.output_mode = _check_mode(output_mode, ("int",) + _COUNTING_MODES[:3], self.name)
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.sparse = False

    def adapt(self, data, batch_size=None, steps=None) -> None:
        if self.num_bins is None:
            raise ValueError(f"Layer {self.name}: `adapt` needs `num_bins`; this layer was given "
                             "fixed `bin_boundaries`.")
        values = np.sort(_numbers(data).ravel().astype(np.float64))
        n = values.size
        if n == 0:
            raise ValueError(f"Layer {self.name}: `adapt` received no data.")
        boundaries = []
        for i in range(1, int(self.num_bins)):
            pos = min(max(i / self.num_bins * n - 1.0, 0.0), n - 1.0)
            lo = int(math.floor(pos))
            hi = min(lo + 1, n - 1)
            boundaries.append(float(np.float32(values[lo] + (pos - lo) * (values[hi] - values[lo]))))
        self.bin_boundaries = boundaries

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Layer {self.name}: call `adapt` first (or pass `bin_boundaries`).")
        x = inputs.to(torch.float64)
        edges = torch.as_tensor(self.bin_boundaries, dtype=torch.float64, device=x.device)
        ids = torch.bucketize(x, edges, right=True)
        if self.output_mode == "int":
            return ids
        return _encode(ids, len(self.bin_boundaries) + 1, self.output_mode, name=self.name)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = (len(self.bin_boundaries) if self.bin_boundaries is not None else self.num_bins - 1) + 1
        return tuple(input_shape)[:-1] + (depth,)

    def _output_dtype(self, inputs):
        return "int64" if self.output_mode == "int" else "float32"

    def get_config(self):
        config = super().get_config()
        config.update({"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                       "epsilon": self.epsilon, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config


def _numbers(data) -> np.ndarray:
    if hasattr(data, "shape"):
        return np.asarray(data.detach().cpu() if torch.is_tensor(data) else data)
    return np.concatenate([np.asarray(b).reshape(-1) for b in data])


# ---------------------------------------------------------------- index lookups
class _IndexLookup(Layer):
    """A vocabulary of tokens -> integer ids, laid out as ``[mask_token] + [oov_token] *
    num_oov_indices + vocabulary``; unknown tokens get the OOV id. ``adapt`` orders tokens by
    count, ties by the token itself, both descending (Keras's order). ``invert=True`` maps ids
    back to tokens."""

    _default_oov = None

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token=None, oov_token=None,
                 vocabulary=None, idf_weights=None, invert: bool = False, output_mode: str = "int",
                 sparse: bool = False, pad_to_max_tokens: bool = False, **kwargs):
        kwargs.setdefault("dtype", "int64")
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        self.output_mode = _check_mode(output_mode, ("int",) + _COUNTING_MODES, self.name)
        if sparse:
            raise NotImplementedError(f"Layer {self.name}: sparse=True outputs are not supported.")
        if num_oov_indices < 0:
            raise ValueError(f"Layer {self.name}: `num_oov_indices` must be >= 0; received "
                             f"num_oov_indices={num_oov_indices}.")
        if invert and output_mode != "int":
            raise ValueError(f"Layer {self.name}: `invert=True` needs output_mode='int'; received "
                             f"output_mode={output_mode!r}.")
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"Layer {self.name}: `max_tokens` must be greater than 1; received "
                             f"max_tokens={max_tokens}.")
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = self._default_oov if oov_token is None else oov_token
        self.invert = bool(invert)
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        self._vocab: list = []
        self._idf: Optional[torch.Tensor] = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ---- vocabulary
    def _specials(self) -> list:
        # the mask token has an id only in 'int' mode; elsewhere masked tokens are not counted
        mask = [self.mask_token] if self.mask_token is not None and self.output_mode == "int" else []
        return mask + [self.oov_token] * self.num_oov_indices

    def _token(self, value):
        return value

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        return (self._specials() if include_special_tokens else []) + list(self._vocab)

    def vocabulary_size(self) -> int:
        return len(self._specials()) + len(self._vocab)

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f]
        tokens = [self._token(t) for t in (vocabulary.tolist() if hasattr(vocabulary, "tolist") else vocabulary)]
        specials = self._specials()
        has_specials = tokens[:len(specials)] == specials and len(specials) > 0
        if has_specials:
            tokens = tokens[len(specials):]
        for special in (self.mask_token, self.oov_token):
            if special is not None and special in tokens:
                raise ValueError(f"Layer {self.name}: the special token {special!r} may only be at "
                                 "the start of the vocabulary.")
        if len(set(tokens)) != len(tokens):
            repeated = sorted({t for t in tokens if tokens.count(t) > 1}, key=str)
            raise ValueError(f"Layer {self.name}: the vocabulary has repeated terms {repeated}.")
        if self.max_tokens is not None and len(tokens) + len(specials) > self.max_tokens:
            raise ValueError(f"Layer {self.name}: a vocabulary of {len(tokens) + len(specials)} "
                             f"entries (with special tokens) exceeds max_tokens={self.max_tokens}.")
        self._vocab = tokens
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"Layer {self.name}: `idf_weights` must be set when "
                                 "output_mode='tf_idf' and a vocabulary is given.")
            idf = np.asarray(idf_weights, dtype=np.float32).reshape(-1)
            if not has_specials:
                idf = np.concatenate([np.full(len(specials), idf.mean(), np.float32), idf])
            self._set_idf(idf)
        elif idf_weights is not None:
            raise ValueError(f"Layer {self.name}: `idf_weights` should only be set if output_mode "
                             f"is 'tf_idf'; received output_mode={self.output_mode!r}.")
        self._build_table()

    def _set_idf(self, idf: np.ndarray) -> None:
        if self.pad_to_max_tokens and self.max_tokens is not None:
            idf = np.pad(idf, (0, self.max_tokens - idf.size))
        self._idf = torch.as_tensor(idf, dtype=torch.float32)

    def _build_table(self) -> None:
        self._index = {t: i for i, t in enumerate(self.get_vocabulary())}
        self._index.pop(self.oov_token, None)  # an OOV token input is out of vocabulary too
        self._inverse = self.get_vocabulary()

    def _oov_id(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learn the vocabulary (and document frequencies for tf_idf) from ``data``."""
        if self.input_vocabulary is not None:
            raise ValueError(f"Layer {self.name}: `adapt` cannot replace a vocabulary given to the "
                             "constructor.")
        counts, doc_counts, docs = {}, {}, 0
        for doc in self._documents(data):
            docs += 1
            for tok in doc:
                counts[tok] = counts.get(tok, 0) + 1
            for tok in set(doc):
                doc_counts[tok] = doc_counts.get(tok, 0) + 1
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ordered = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens is not None:
            ordered = ordered[:max(self.max_tokens - len(self._specials()), 0)]
        self._vocab = ordered
        if self.output_mode == "tf_idf":
            idf = np.array([math.log(1 + docs / (1 + doc_counts[t])) for t in ordered], np.float32)
            fill = idf.mean() if idf.size else 0.0
            self._set_idf(np.concatenate([np.full(len(self._specials()), fill, np.float32), idf]))
        self._build_table()

    def _documents(self, data):
        """Each sample's tokens (a row of ``data``; a scalar sample is one token)."""
        arr = self._as_array(data)
        rows = arr.reshape(arr.shape[0], -1) if arr.ndim > 1 else arr.reshape(-1, 1)
        return [[self._token(t) for t in row] for row in rows.tolist()]

    def _as_array(self, data) -> np.ndarray:
        if torch.is_tensor(data):
            return data.detach().cpu().numpy()
        if isinstance(data, (list, tuple)) and data and not np.isscalar(data[0]) and \
                not isinstance(data[0], (list, tuple, np.ndarray)):
            return np.concatenate([self._as_array(b) for b in data])
        return np.asarray(data, dtype=object if self._is_string else None)

    # ---- lookup
    def _lookup(self, tokens: np.ndarray) -> np.ndarray:
        return np.asarray(self._lookup_list([self._token(t) for t in tokens.reshape(-1).tolist()]),
                          dtype=np.int64).reshape(tokens.shape)

    def _lookup_list(self, tokens: list) -> list:
        """Ids of already-normalised tokens: one dict lookup each, unknown tokens resolved after."""
        get = self._index.get
        ids = [get(t, -2) for t in tokens]
        if -2 not in ids:
            return ids
        oov = self._oov_id() if self.num_oov_indices else None
        dropped = self.mask_token if self.output_mode != "int" else None
        for i, tok in enumerate(tokens):
            if ids[i] != -2:
                continue
            if dropped is not None and tok == dropped:
                ids[i] = -1  # a masked token: not counted by the encodings
            elif oov is not None:
                ids[i] = oov + self._oov_bucket(tok)
            else:
                raise ValueError(f"Layer {self.name}: token {tok!r} is not in the vocabulary and "
                                 "num_oov_indices=0.")
        return ids

    def _oov_bucket(self, token) -> int:
        """Which of the OOV ids an unknown token takes: TF hashes strings with FarmHash and
        takes integers modulo num_oov_indices."""
        n = self.num_oov_indices
        if n <= 1:
            return 0
        if isinstance(token, str):
            from ._farmhash import fingerprint64
            return fingerprint64(token.encode("utf-8")) % n
        return int(token) % n

    def _encode_ids(self, ids: torch.Tensor) -> torch.Tensor:
        if self.output_mode == "int":
            return ids
        depth = (self.max_tokens if self.pad_to_max_tokens and self.max_tokens is not None
                 else self.vocabulary_size())
        kept = (ids >= 0).to(torch.float32) if self.mask_token is not None else None
        return _encode(ids.clamp(min=0), depth, self.output_mode, count_weights=kept, idf=self._idf,
                       name=self.name)

    def _invert(self, ids) -> np.ndarray:
        arr = np.asarray(ids.detach().cpu() if torch.is_tensor(ids) else ids).astype(np.int64)
        vocab = self._inverse
        oov = self.oov_token
        out = np.array([vocab[i] if 0 <= i < len(vocab) else oov for i in arr.reshape(-1).tolist()],
                       dtype=object)
        return out.reshape(arr.shape)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        depth = self.max_tokens if self.pad_to_max_tokens and self.max_tokens else self.vocabulary_size()
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (depth,)
        return (shape[:-1] if len(shape) > 1 else shape) + (depth,)

    def _output_dtype(self, inputs):
        return "int64" if self.output_mode == "int" else "float32"

    def get_config(self):
        config = super().get_config()
        config.update({"invert": self.invert, "max_tokens": self.max_tokens,
                       "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                       "mask_token": self.mask_token, "output_mode": self.output_mode,
                       "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens})
        config.update(self._extra_config())
        config.setdefault("batch_input_shape", (None,))  # as tf.keras writes it
        config.update({"idf_weights": _listify(self.input_idf_weights),
                       "vocabulary": _listify(self.input_vocabulary),
                       "vocabulary_size": self.vocabulary_size()})
        return config

    def _extra_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("vocabulary_size", None)
        return cls(**config)


def _listify(value):
    if value is None or isinstance(value, str):
        return value
    return np.asarray(value).tolist() if hasattr(value, "tolist") else list(value)


@registry.register("layer")
class IntegerLookup(_IndexLookup):
    """Integer tokens -> contiguous ids (OOV token -1, no mask token by default)."""

    _default_oov = -1
    _is_string = False

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token=None, oov_token=-1,
                 output_mode: str = "int", sparse: bool = False, pad_to_max_tokens: bool = False,
                 vocabulary=None, vocabulary_dtype: str = "int64", idf_weights=None,
                 invert: bool = False, **kwargs):
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, **kwargs)

    def _token(self, value):
        return int(value)

    def call(self, inputs):
        if self.invert:
            vocab = torch.as_tensor(self._inverse, dtype=torch.int64, device=inputs.device)
            ids = inputs.long()
            inside = (ids >= 0) & (ids < vocab.numel())
            return torch.where(inside, vocab[ids.clamp(0, max(vocab.numel() - 1, 0))],
                               torch.full_like(ids, int(self.oov_token)))
        ids = torch.as_tensor(self._lookup(inputs.detach().cpu().numpy()), device=inputs.device)
        return self._encode_ids(ids)

    def _extra_config(self) -> dict:
        return {"vocabulary_dtype": self.vocabulary_dtype}


class _StringInput:
    """Eager calls on strings (lists/arrays of str or bytes) bypass the tensor conversion."""

    _is_string = True

    def __call__(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        _no_graph(self, inputs)
        if getattr(self, "invert", False):  # ids -> tokens: the result is strings, not a tensor
            return self.call(torch.as_tensor(np.asarray(inputs.detach().cpu() if torch.is_tensor(inputs)
                                                        else inputs, dtype=np.int64)))
        if torch.is_tensor(inputs):
            return super().__call__(*args, **kwargs)
        return self._call_strings(_strings(inputs))


def _strings(data) -> np.ndarray:
    arr = np.asarray(data, dtype=object)
    return np.vectorize(_text, otypes=[object])(arr) if arr.size else arr


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


@registry.register("layer")
class StringLookup(_StringInput, _IndexLookup):
    """String tokens -> contiguous ids (OOV token '[UNK]', no mask token by default);
    ``invert=True`` gives back the tokens (as ``bytes``, like TF string tensors)."""

    _default_oov = "[UNK]"

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token=None,
                 oov_token: str = "[UNK]", vocabulary=None, idf_weights=None,
                 encoding: str = "utf-8", invert: bool = False, output_mode: str = "int",
                 sparse: bool = False, pad_to_max_tokens: bool = False, **kwargs):
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, **kwargs)

    def _token(self, value):
        return _text(value)

    def _call_strings(self, tokens: np.ndarray):
        return self._encode_ids(torch.as_tensor(self._lookup(tokens)))

    def call(self, inputs):
        if self.invert:  # ids -> tokens
            tokens = self._invert(inputs)
            return np.vectorize(lambda t: t.encode(self.encoding), otypes=[object])(tokens)
        raise TypeError(f"Layer {self.name} expects strings; received a {inputs.dtype} tensor.")

    def _extra_config(self) -> dict:
        return {"encoding": self.encoding}


# ---------------------------------------------------------------- TextVectorization
_PUNCTUATION = re.compile(r"""[!"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~']""")


@registry.register("layer")
class TextVectorization(_StringInput, _IndexLookup):
    """Texts -> token ids (or multi-hot/count/tf-idf rows).

    Each text is standardized ('lower_and_strip_punctuation' by default, 'lower',
    'strip_punctuation', None or a callable on a numpy array of str), split ('whitespace',
    'character', None or a callable str -> list), optionally extended with n-grams, then looked
    up in a vocabulary learnt by ``adapt`` (id 0 padding, 1 '[UNK]' in 'int' mode). 'int' output
    is padded with 0 to the longest text, or cut/padded to ``output_sequence_length``.
    """

    _default_oov = "[UNK]"

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode: str = "int",
                 output_sequence_length: Optional[int] = None, pad_to_max_tokens: bool = False,
                 vocabulary=None, idf_weights=None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", **kwargs):
        if ragged:
            raise NotImplementedError("TextVectorization(ragged=True) is not supported; ragged "
                                      "tensors do not exist in torch.")
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not "
                             f"'int'. Received output_sequence_length={output_sequence_length}.")
        if isinstance(ngrams, int) and ngrams < 1 or (isinstance(ngrams, (list, tuple)) and
                                                       any(n < 1 for n in ngrams)):
            raise ValueError(f"`ngrams` must be None, an integer >= 1 or a tuple of them; received "
                             f"ngrams={ngrams!r}.")
        for arg, value, known in (("standardize", standardize, (None, "lower_and_strip_punctuation",
                                                                "lower", "strip_punctuation")),
                                  ("split", split, (None, "whitespace", "character"))):
            if not callable(value) and value not in known:
                raise ValueError(f"Unknown value for `{arg}`: {value!r}. Expected one of "
                                 f"{known} or a callable.")
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self.output_sequence_length = output_sequence_length
        self.ragged = False
        self.encoding = encoding
        kwargs.setdefault("dtype", "string")
        super().__init__(max_tokens=max_tokens, num_oov_indices=1,
                         mask_token="" if output_mode == "int" else None, oov_token="[UNK]",
                         vocabulary=vocabulary, idf_weights=idf_weights, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, **kwargs)

    def _token(self, value):
        return _text(value)

    # ---- text -> tokens
    def _tokens(self, texts: np.ndarray) -> list:
        texts = texts.reshape(texts.shape[0], -1)[:, 0] if texts.ndim > 1 else texts.reshape(-1)
        texts = self._standardized(np.asarray([_text(t) for t in texts], dtype=object))
        return [self._with_ngrams(self._split(t)) for t in texts]

    def _standardized(self, texts: np.ndarray) -> list:
        mode = self.standardize
        if callable(mode):
            return [_text(t) for t in np.asarray(mode(texts), dtype=object).reshape(-1)]
        out = []
        for t in texts:
            if mode in ("lower", "lower_and_strip_punctuation"):
                t = t.lower()
            if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
                t = _PUNCTUATION.sub("", t)
            out.append(t)
        return out

    def _split(self, text: str) -> list:
        if self.split is None:
            return [text]
        if self.split == "whitespace":
            return text.split()
        if self.split == "character":
            return list(text)
        return [_text(t) for t in self.split(text)]

    def _with_ngrams(self, tokens: list) -> list:
        if self.ngrams is None:
            return tokens
        sizes = range(1, self.ngrams + 1) if isinstance(self.ngrams, int) else self.ngrams
        out = []
        for n in sizes:
            out += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
        return out

    def _documents(self, data):
        if isinstance(data, str):
            data = [data]
        return self._tokens(_strings(data))

    def _call_strings(self, texts: np.ndarray):
        if texts.ndim == 0:
            texts = texts.reshape(1)
        docs = self._tokens(texts)
        if self.output_mode != "int":
            rows = [self._encode_ids(torch.as_tensor(self._lookup(np.asarray(d, dtype=object)))
                                     .reshape(1, -1)) if d else self._empty_row() for d in docs]
            return torch.cat(rows, dim=0)
        length = self.output_sequence_length
        if length is None:
            length = max((len(d) for d in docs), default=0)
        # one lookup over every kept token, then scattered row by row (padding stays 0)
        kept = [d[:length] for d in docs]
        ids = np.asarray(self._lookup_list([t for d in kept for t in d]), dtype=np.int64)
        sizes = np.asarray([len(d) for d in kept])
        rows = np.repeat(np.arange(len(kept)), sizes)
        cols = np.arange(ids.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        out = np.zeros((len(docs), length), dtype=np.int64)
        out[rows, cols] = ids
        return torch.as_tensor(out)

    def _empty_row(self) -> torch.Tensor:
        depth = (self.max_tokens if self.pad_to_max_tokens and self.max_tokens is not None
                 else self.vocabulary_size())
        return torch.zeros(1, depth)

    def call(self, inputs):
        raise TypeError(f"Layer {self.name} expects strings; received a {inputs.dtype} tensor.")

    def compute_output_shape(self, input_shape):
        batch = tuple(input_shape)[0]
        if self.output_mode == "int":
            return (batch, self.output_sequence_length)
        depth = self.max_tokens if self.pad_to_max_tokens and self.max_tokens else self.vocabulary_size()
        return (batch, depth)

    def get_config(self):
        config = Layer.get_config(self)
        config.setdefault("batch_input_shape", (None,))  # as tf.keras writes it
        config.update({"max_tokens": self.max_tokens,
                       "standardize": self.standardize if not callable(self.standardize) else
                       getattr(self.standardize, "__name__", None),
                       "split": self.split if not callable(self.split) else
                       getattr(self.split, "__name__", None),
                       "ngrams": self.ngrams, "output_mode": self.output_mode,
                       "output_sequence_length": self.output_sequence_length,
                       "pad_to_max_tokens": self.pad_to_max_tokens, "sparse": self.sparse,
                       "ragged": self.ragged, "vocabulary": _listify(self.input_vocabulary),
                       "idf_weights": _listify(self.input_idf_weights), "encoding": self.encoding,
                       "vocabulary_size": self.vocabulary_size()})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("vocabulary_size", None)
        return cls(**config)


# ---------------------------------------------------------------- Hashing
@registry.register("layer")
class Hashing(Layer):
    """Hashes strings or integers into ``num_bins`` bins with FarmHash's Fingerprint64, as
    ``tf.strings.to_hash_bucket_fast`` (integers are hashed as their decimal strings). With
    ``mask_value``, that value goes to bin 0 and the others to bins ``1..num_bins-1``.

    Integer tensors work inside a model graph; strings, as for ``StringLookup``, on the data.
    """

    def __init__(self, num_bins: int, mask_value=None, salt=None, output_mode: str = "int",
                 sparse: bool = False, **kwargs):
        kwargs.setdefault("dtype", "int64" if output_mode == "int" else None)
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"Layer {self.name}: `num_bins` must be a positive integer; received "
                             f"num_bins={num_bins}.")
        if salt is not None:
            raise NotImplementedError(f"Layer {self.name}: a `salt` switches TensorFlow to its keyed "
                                      "SipHash, which is not reproduced here; leave salt=None.")
        if sparse:
            raise NotImplementedError(f"Layer {self.name}: sparse=True outputs are not supported.")
        self.output_mode = _check_mode(output_mode, ("int",) + _COUNTING_MODES[:3], self.name)
        self.num_bins, self.mask_value, self.salt, self.sparse = int(num_bins), mask_value, salt, False

    def __call__(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        if torch.is_tensor(inputs) or isinstance(inputs, KerasTensor) or flatten_keras_tensors(inputs):
            return super().__call__(*args, **kwargs)
        arr = np.asarray(inputs)
        if arr.dtype.kind in "iu":
            return super().__call__(torch.as_tensor(arr), *args[1:], **kwargs)
        return self._bins(np.asarray(inputs, dtype=object))

    def call(self, inputs):
        if inputs.is_floating_point():
            raise ValueError(f"Layer {self.name} hashes strings or integers; received a "
                             f"{inputs.dtype} tensor.")
        return self._bins(inputs.detach().cpu().numpy()).to(inputs.device)

    def _bins(self, values: np.ndarray) -> torch.Tensor:
        from ._farmhash import fingerprint64
        masked = self.mask_value is not None
        bins = self.num_bins - 1 if masked else self.num_bins
        flat = []
        for v in values.reshape(-1).tolist():
            if masked and _same_value(v, self.mask_value):
                flat.append(0)
                continue
            text = v if isinstance(v, bytes) else str(int(v) if isinstance(v, (int, np.integer)) else v).encode("utf-8")
            flat.append(fingerprint64(text) % bins + (1 if masked else 0))
        ids = torch.as_tensor(np.asarray(flat, dtype=np.int64).reshape(values.shape))
        if self.output_mode == "int":
            return ids
        return _encode(ids, self.num_bins, self.output_mode, name=self.name)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (self.num_bins,)
        return (shape[:-1] if len(shape) > 1 else shape) + (self.num_bins,)

    def _output_dtype(self, inputs):
        return "int64" if self.output_mode == "int" else "float32"

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        return config


def _same_value(value, mask) -> bool:
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return value == mask or str(value) == str(mask)
