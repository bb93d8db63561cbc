"""``keras.models``: the model classes and the functions that save, load and copy models."""
from .engine.functional import Functional
from .engine.sequential import Sequential
from .engine.training import Model
from .saving import (clone_model, load_model, model_from_config, model_from_json, model_from_yaml,
                     save_model)

__all__ = ["Model", "Sequential", "Functional", "load_model", "save_model", "model_from_json",
           "model_from_config", "model_from_yaml", "clone_model"]
