"""The one table of old argument spellings (Keras 1 and early Keras 2) and their translation.

Keras 2.0-2.2 accepted Keras 1 names with a warning (keras/legacy/interfaces.py). Every class or
function that takes such names calls ``translate(owner, args, kwargs)`` (layers do so through
``Layer.__init_subclass__``); each old spelling warns once per owner, then works.
"""
import warnings
from typing import Dict, Tuple

_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}
_BORDER_MODE = {"valid": "valid", "same": "same", "full": "full", "causal": "causal"}

# (old name, new name)
_WEIGHTS = (("init", "kernel_initializer"), ("W_regularizer", "kernel_regularizer"),
            ("b_regularizer", "bias_regularizer"), ("W_constraint", "kernel_constraint"),
            ("b_constraint", "bias_constraint"), ("bias", "use_bias"))
_CONV = (("nb_filter", "filters"), ("subsample", "strides"), ("border_mode", "padding"),
         ("dim_ordering", "data_format"), ("atrous_rate", "dilation_rate")) + _WEIGHTS
_CONV1D = (("nb_filter", "filters"), ("filter_length", "kernel_size"),
           ("subsample_length", "strides"), ("border_mode", "padding"),
           ("atrous_rate", "dilation_rate")) + _WEIGHTS
_RECURRENT = (("output_dim", "units"), ("init", "kernel_initializer"),
              ("inner_init", "recurrent_initializer"), ("inner_activation", "recurrent_activation"),
              ("W_regularizer", "kernel_regularizer"), ("U_regularizer", "recurrent_regularizer"),
              ("b_regularizer", "bias_regularizer"), ("W_constraint", "kernel_constraint"),
              ("U_constraint", "recurrent_constraint"), ("b_constraint", "bias_constraint"),
              ("dropout_W", "dropout"), ("dropout_U", "recurrent_dropout"),
              ("consume_less", None))
_POOL1D = (("pool_length", "pool_size"), ("stride", "strides"), ("border_mode", "padding"))
_POOL = (("border_mode", "padding"), ("dim_ordering", "data_format"))
_GLOBAL_POOL = (("dim_ordering", "data_format"),)

LEGACY_ARGS: Dict[str, Tuple[Tuple[str, str], ...]] = {
    "Dense": (("output_dim", "units"),) + _WEIGHTS,
    "Dropout": (("p", "rate"),),
    "SpatialDropout1D": (("p", "rate"),),
    "SpatialDropout2D": (("p", "rate"), ("dim_ordering", "data_format")),
    "SpatialDropout3D": (("p", "rate"), ("dim_ordering", "data_format")),
    "GaussianNoise": (("sigma", "stddev"),),
    "GaussianDropout": (("p", "rate"),),
    "AlphaDropout": (("p", "rate"),),
    "Embedding": (("init", "embeddings_initializer"), ("W_regularizer", "embeddings_regularizer"),
                  ("W_constraint", "embeddings_constraint"), ("dropout", None)),
    "Conv1D": _CONV1D, "Conv2D": _CONV, "Conv3D": _CONV, "Conv2DTranspose": _CONV + (("output_shape", None),),
    "Conv3DTranspose": _CONV,
    "SeparableConv1D": _CONV1D, "SeparableConv2D": _CONV,
    "DepthwiseConv2D": _CONV,
    "LocallyConnected1D": _CONV1D, "LocallyConnected2D": _CONV,
    "MaxPooling1D": _POOL1D, "AveragePooling1D": _POOL1D,
    "MaxPooling2D": _POOL, "AveragePooling2D": _POOL, "MaxPooling3D": _POOL, "AveragePooling3D": _POOL,
    "GlobalMaxPooling2D": _GLOBAL_POOL, "GlobalAveragePooling2D": _GLOBAL_POOL,
    "GlobalMaxPooling3D": _GLOBAL_POOL, "GlobalAveragePooling3D": _GLOBAL_POOL,
    "UpSampling1D": (("length", "size"),),
    "UpSampling2D": (("dim_ordering", "data_format"),),
    "UpSampling3D": (("dim_ordering", "data_format"),),
    "ZeroPadding2D": (("dim_ordering", "data_format"),),
    "ZeroPadding3D": (("dim_ordering", "data_format"),),
    "Cropping2D": (("dim_ordering", "data_format"),),
    "Cropping3D": (("dim_ordering", "data_format"),),
    "SimpleRNN": _RECURRENT, "GRU": _RECURRENT,
    "LSTM": _RECURRENT + (("forget_bias_init", "unit_forget_bias"),),
    "ConvLSTM2D": _RECURRENT + _CONV,
    "BatchNormalization": (("beta_init", "beta_initializer"), ("gamma_init", "gamma_initializer"),
                           ("mode", None)),
    "PReLU": (("init", "alpha_initializer"),),
    "Model": (("input", "inputs"), ("output", "outputs")),
    "fit": (("nb_epoch", "epochs"),),
    "fit_generator": (("nb_epoch", "epochs"), ("nb_val_samples", "validation_steps"),
                      ("nb_worker", "workers"), ("pickle_safe", "use_multiprocessing"),
                      ("max_q_size", "max_queue_size")),
    "evaluate_generator": (("val_samples", "steps"), ("nb_worker", "workers"),
                           ("pickle_safe", "use_multiprocessing"), ("max_q_size", "max_queue_size")),
    "predict_generator": (("val_samples", "steps"), ("nb_worker", "workers"),
                          ("pickle_safe", "use_multiprocessing"), ("max_q_size", "max_queue_size")),
    "optimizer": (("lr", "learning_rate"),),
    "Tokenizer": (("nb_words", "num_words"),),
    "to_categorical": (("nb_classes", "num_classes"),),
    "load_data": (("nb_words", "num_words"),),  # keras.datasets.imdb / reuters
    "ImageDataGenerator": (("dim_ordering", "data_format"),),
}

_VALUE_MAPS = {"dim_ordering": _DIM_ORDERING,
               # Keras 1 LSTM(forget_bias_init='one') is Keras 2's unit_forget_bias=True
               "forget_bias_init": {"one": True, "ones": True, "zero": False, "zeros": False}}
_warned = set()


def _warn_once(owner: str, old: str, new) -> None:
    if (owner, old) in _warned:
        return
    _warned.add((owner, old))
    if new is None:
        msg = f"`{owner}`: the argument `{old}` is from Keras 1 and is ignored."
    else:
        msg = f"Update your `{owner}` call to the Keras 2 API: use `{new}=` instead of `{old}=`."
    warnings.warn(msg, UserWarning, stacklevel=_user_stacklevel())


def _user_stacklevel() -> int:
    """The stacklevel that points a warning at the first caller outside this package."""
    import os
    import sys
    package_dir = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package_dir):
        frame, level = frame.f_back, level + 1
    return level


def translate(owner: str, kwargs: dict, table_key: str = None) -> dict:
    """Rename the old keyword arguments in `kwargs` (in place) per the table entry for `owner`."""
    renames = LEGACY_ARGS.get(table_key or owner)
    if not renames or not kwargs:
        return kwargs
    for old, new in renames:
        if old not in kwargs:
            continue
        value = kwargs.pop(old)
        _warn_once(owner, old, new)
        if new is None:
            continue
        value = _VALUE_MAPS.get(old, {}).get(value, value) if isinstance(value, str) else value
        if new in kwargs:
            raise TypeError(f"`{owner}` got both `{old}` (Keras 1) and `{new}`; pass only `{new}`.")
        kwargs[new] = value
    return kwargs


def translate_positional(owner: str, args: tuple, kwargs: dict) -> tuple:
    """Keras 1's positional forms: Convolution2D(nb_filter, nb_row, nb_col), Conv3D(f, d1, d2, d3)."""
    if owner in ("Conv2D", "Conv2DTranspose", "SeparableConv2D", "LocallyConnected2D", "ConvLSTM2D"):
        if "nb_row" in kwargs and "nb_col" in kwargs:
            _warn_once(owner, "nb_row", "kernel_size")
            kwargs["kernel_size"] = (kwargs.pop("nb_row"), kwargs.pop("nb_col"))
        if len(args) >= 3 and all(isinstance(a, int) for a in args[:3]):
            _warn_once(owner, "nb_row", "kernel_size")
            args = (args[0], (args[1], args[2])) + tuple(args[3:])
            if owner == "Conv2DTranspose" and len(args) >= 3 and isinstance(args[2], (tuple, list)):
                _warn_once(owner, "output_shape", None)  # Deconvolution2D(f, r, c, output_shape)
                args = args[:2] + tuple(args[3:])
    elif owner in ("Conv3D", "Conv3DTranspose"):
        if all(k in kwargs for k in ("kernel_dim1", "kernel_dim2", "kernel_dim3")):
            kwargs["kernel_size"] = tuple(kwargs.pop(k) for k in ("kernel_dim1", "kernel_dim2", "kernel_dim3"))
        if len(args) >= 4 and all(isinstance(a, int) for a in args[:4]):
            _warn_once(owner, "kernel_dim1", "kernel_size")
            args = (args[0], tuple(args[1:4])) + tuple(args[4:])
    return args


def layer_table_key(cls) -> str:
    """The table entry that applies to a layer class: its own name or its nearest Keras ancestor's."""
    for klass in cls.__mro__:
        if klass.__name__ in LEGACY_ARGS:
            return klass.__name__
    return None
