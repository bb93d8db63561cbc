"""Keras 2 callbacks (``keras.callbacks``): hooks into `fit`, `evaluate` and `predict`."""
from .base import Callback, CallbackList
from .history import BaseLogger, History, ProgbarLogger, TerminateOnNaN

__all__ = [
    "Callback", "CallbackList", "BaseLogger", "History", "ProgbarLogger", "TerminateOnNaN",
]
