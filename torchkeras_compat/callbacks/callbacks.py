"""Keras 2.3's module path ``keras.callbacks.callbacks``: the same classes as ``keras.callbacks``."""
from . import (BaseLogger, Callback, CallbackList, CSVLogger, EarlyStopping, History,  # noqa: F401
               LambdaCallback, LearningRateScheduler, ModelCheckpoint, ProgbarLogger,
               ReduceLROnPlateau, RemoteMonitor, TerminateOnNaN)
