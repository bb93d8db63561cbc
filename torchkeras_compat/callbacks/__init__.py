"""Keras 2 callbacks (``keras.callbacks``): hooks into `fit`, `evaluate` and `predict`.

Kept as one namespace, as Keras 2's ``keras/callbacks.py``: ``from keras.callbacks import X``.
"""
from . import experimental
from .backup import BackupAndRestore
from .base import Callback, CallbackList
from .checkpoint import ModelCheckpoint
from .history import BaseLogger, History, ProgbarLogger, TerminateOnNaN
from .loggers import CSVLogger, LambdaCallback, RemoteMonitor
from .monitors import EarlyStopping, LearningRateScheduler, ReduceLROnPlateau
from .tensorboard import TensorBoard

__all__ = [
    "Callback", "CallbackList", "BaseLogger", "History", "ProgbarLogger", "TerminateOnNaN",
    "ModelCheckpoint", "EarlyStopping", "LearningRateScheduler", "ReduceLROnPlateau",
    "CSVLogger", "LambdaCallback", "RemoteMonitor", "TensorBoard", "BackupAndRestore",
]
