"""Saving and loading: Keras 2 HDF5 (.h5), Keras 3 (.keras) and JSON configs."""
from .api import (clone_model, load_model, load_weights, model_from_config, model_from_json,
                  save_model, save_weights)
