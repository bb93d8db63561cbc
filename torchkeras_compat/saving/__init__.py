"""Saving and loading: Keras 2 HDF5 (.h5), Keras 3 (.keras) and JSON configs."""
from ..engine.registry import custom_object_scope, get_custom_objects
from .api import (clone_model, load_model, load_weights, model_from_config, model_from_json,
                  model_from_yaml, save_model, save_weights)
from .lambda_code import enable_unsafe_deserialization
from .serialization import (deserialize_keras_object, get_registered_name, get_registered_object,
                            register_keras_serializable, serialize_keras_object)
