"""The engine: Layer, symbolic graph, models and the training loop.

Keras 2.2 code imports from here (``from keras.engine import Layer, InputSpec``); the names are
resolved on first use so that importing a submodule stays cheap and free of import cycles.
"""
_EXPORTS = {
    "Layer": "base_layer", "InputSpec": "base_layer", "Input": "input_layer",
    "InputLayer": "input_layer", "Model": "training", "Functional": "functional",
    "Network": "functional", "Sequential": "sequential", "Node": "keras_tensor",
}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        return getattr(module, "Functional" if name == "Network" else name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
