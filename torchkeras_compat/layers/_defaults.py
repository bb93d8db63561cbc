"""Which Keras release's recurrent-layer defaults new layers get (the one version knob).

Keras changed two defaults silently in 2.3.0: LSTM/GRU ``recurrent_activation`` went from
``'hard_sigmoid'`` to ``'sigmoid'`` and GRU ``reset_after`` from ``False`` to ``True``. New layers
follow tf.keras 2.x. Old scripts trained with Keras 2.2 (or earlier) that relied on the old defaults
select them with either::

    TORCHKERAS_KERAS_VERSION=2.2 python old_script.py

or, in code, before the layers are created::

    from torchkeras_compat.layers import _defaults
    _defaults.set_keras_version("2.2")

Only the defaults change: an argument passed explicitly always wins, and ``get_config`` writes the
value that was used, so saved models load the same under either setting.
"""
import os
from typing import Optional, Tuple

_ENV = "TORCHKERAS_KERAS_VERSION"
_version: Optional[Tuple[int, ...]] = None  # None: read the environment variable


def _parse(version: str) -> Tuple[int, ...]:
    try:
        parts = tuple(int(p) for p in str(version).strip().split(".") if p != "")
    except ValueError:
        raise ValueError(f"Invalid Keras version {version!r} (from {_ENV} or set_keras_version); "
                         "expected a release number such as '2.2' or '2.2.4'.") from None
    if not parts:
        raise ValueError(f"Invalid Keras version {version!r}; expected e.g. '2.2'.")
    return parts


def set_keras_version(version: Optional[str]) -> None:
    """Pick the Keras release whose defaults new recurrent layers use; None = tf.keras 2.x."""
    global _version
    _version = None if version is None else _parse(version)


def keras_version() -> Tuple[int, ...]:
    """The selected release as a tuple, ``(2, 21)`` unless told otherwise."""
    if _version is not None:
        return _version
    env = os.environ.get(_ENV)
    return _parse(env) if env else (2, 21)


def _before_2_3() -> bool:
    return keras_version()[:2] < (2, 3)


def recurrent_activation() -> str:
    """Default ``recurrent_activation`` of LSTM/GRU: hard_sigmoid up to Keras 2.2.5."""
    return "hard_sigmoid" if _before_2_3() else "sigmoid"


def gru_reset_after() -> bool:
    """Default ``reset_after`` of GRU: False up to Keras 2.2."""
    return not _before_2_3()
