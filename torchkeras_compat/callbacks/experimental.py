"""``keras.callbacks.experimental``: the tf.keras 2.3-2.8 home of BackupAndRestore (deprecated)."""
import warnings

from .backup import BackupAndRestore as _BackupAndRestore


class BackupAndRestore(_BackupAndRestore):
    """Deprecated alias of `keras.callbacks.BackupAndRestore`."""

    def __init__(self, *args, **kwargs):
        warnings.warn("`tf.keras.callbacks.experimental.BackupAndRestore` endpoint is deprecated and "
                      "will be removed in a future release. Please use "
                      "`tf.keras.callbacks.BackupAndRestore`.", DeprecationWarning, stacklevel=2)
        super().__init__(*args, **kwargs)
