"""Layer wrappers: TimeDistributed (apply a layer to every time step) and Bidirectional (run a
recurrent layer forwards and backwards and merge the two)."""
import copy
from typing import Optional

import torch

from ..engine import registry
from ..engine.base_layer import InputSpec, Layer, _call_signature


def _serialize(layer) -> dict:
    """The wrapped layer in tf.keras 2.21's form: module, class_name, config, registered_name, and
    build_config once built (TimeDistributed builds it on one time step's shape)."""
    from ..saving.model_config import serialize_layer
    out = serialize_layer(layer)
    shape = getattr(layer, "_wrapper_build_shape", None)
    if "build_config" not in out and layer.built and shape is not None:
        out["build_config"] = {"input_shape": list(shape)}
    return out


def _deserialize(config, custom_objects=None):
    return registry.deserialize("layer", config, custom_objects, what="layer")


def _inherit_input_shape(layer: Layer, kwargs: dict) -> None:
    """``Bidirectional(LSTM(8, input_shape=(5, 3)))``: the wrapper takes the inner layer's input
    shape, so that it can start a Sequential model."""
    keys = ("input_shape", "batch_input_shape", "input_dim", "batch_size")
    if getattr(layer, "_batch_input_shape", None) is not None and not any(k in kwargs for k in keys):
        kwargs["batch_input_shape"] = layer._batch_input_shape


class Wrapper(Layer):
    """Base of the wrappers: holds the wrapped layer (``self.layer``)."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `{type(self).__name__}` layer with a Keras layer "
                             f"instance. Received: {layer!r}")
        _inherit_input_shape(layer, kwargs)
        super().__init__(**kwargs)
        self.layer = layer

    def get_config(self):
        config = super().get_config()
        config["layer"] = _serialize(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = _deserialize(config.pop("layer"), custom_objects)
        return cls(layer, **config)


@registry.register("layer")
class TimeDistributed(Wrapper):
    """Applies ``layer`` to every time slice of ``(batch, timesteps, ...)`` inputs.

    The batch and time axes are merged, the layer runs once on ``(batch*timesteps, ...)``, and
    the result is split back to ``(batch, timesteps, ...)``: one set of weights for all steps.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError(f"`TimeDistributed` Layer {self.name} should be passed an `input_shape` "
                             f"with at least 3 dimensions, received: {input_shape}")
        if not self.layer.built:
            self.layer._wrapper_build_shape = (input_shape[0],) + input_shape[2:]
            self.layer._maybe_build(self.layer._wrapper_build_shape)
            for w in self.layer._all_weights():
                w.layer = self  # Keras names them time_distributed/kernel:0
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        inner = self.layer.compute_output_shape((input_shape[0],) + input_shape[2:])
        return (inner[0], input_shape[1]) + tuple(inner[1:])

    def call(self, inputs, training=None, mask=None):
        b, t = inputs.shape[0], inputs.shape[1]
        flat = inputs.reshape((b * t,) + tuple(inputs.shape[2:]))
        kwargs = {}
        accepts_training, accepts_mask, _ = _call_signature(type(self.layer))
        if accepts_training:
            kwargs["training"] = training
        if mask is not None and accepts_mask:
            kwargs["mask"] = mask.reshape((b * t,) + tuple(mask.shape[2:]))
        out = self.layer(flat, **kwargs)
        self._inner_mask = getattr(out, "_keras_mask", None)
        return out.reshape((b, t) + tuple(out.shape[1:]))

    def compute_mask(self, inputs, mask=None):
        inner = getattr(self, "_inner_mask", None)
        self._inner_mask = None
        if inner is not None and torch.is_tensor(inputs):
            return inner.reshape(tuple(inputs.shape[:2]) + tuple(inner.shape[1:]))
        return mask


_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


@registry.register("layer")
class Bidirectional(Wrapper):
    """Runs a recurrent ``layer`` forwards and a copy backwards, then merges the two outputs.

    ``merge_mode``: 'concat' (default; last axis doubles), 'sum', 'mul', 'ave', or None (a list
    ``[forward, backward]``). With ``return_sequences`` the backward sequence is flipped back to
    the input's time order first. ``backward_layer`` gives a custom backward layer. With
    ``return_state`` the output list ends with the forward then the backward final states.
    """

    def __init__(self, layer, merge_mode: Optional[str] = "concat", weights=None,
                 backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a `Layer` instance. "
                             f"Received: {layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode!r}. Merge mode should be "
                             "one of {'sum', 'mul', 'ave', 'concat', None}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` need to be a `Layer` instance. Received: "
                             f"{backward_layer!r}")
        _inherit_input_shape(layer, kwargs)
        Layer.__init__(self, **kwargs)
        object.__setattr__(self, "_wrapped", layer)  # the original: kept for get_config only
        self.forward_layer = _recreate(layer, name_prefix="forward_")
        if backward_layer is None:
            self.backward_layer = _recreate(layer, name_prefix="backward_", go_backwards=True)
            self._backward_config = None
        else:
            self._backward_config = _serialize(backward_layer)
            self.backward_layer = backward_layer
            backward_layer.name = "backward_" + backward_layer.name
        self._check_pair()
        self.merge_mode = merge_mode
        self.return_sequences = getattr(layer, "return_sequences", False)
        self.return_state = getattr(layer, "return_state", False)
        for rnn in (self.forward_layer, self.backward_layer):
            # Keras zeroes the outputs at masked steps when the sequences are returned
            if hasattr(rnn, "zero_output_for_mask"):
                rnn.zero_output_for_mask = rnn.return_sequences
        self.supports_masking = True
        self.input_spec = layer.input_spec
        if weights is not None:
            self._initial_weights = weights

    @property
    def layer(self):
        return self._wrapped

    def _check_pair(self) -> None:
        fw, bw = self.forward_layer, self.backward_layer
        if getattr(fw, "go_backwards", False) == getattr(bw, "go_backwards", False):
            raise ValueError("Forward layer and backward layer should have different `go_backwards` "
                             f"value. forward_layer.go_backwards = {fw.go_backwards}, "
                             f"backward_layer.go_backwards = {bw.go_backwards}")
        for attr in ("stateful", "return_state", "return_sequences"):
            if getattr(fw, attr, None) != getattr(bw, attr, None):
                raise ValueError(f"Forward layer and backward layer are expected to have the same "
                                 f"value for attribute \"{attr}\", got \"{getattr(fw, attr, None)}\" for "
                                 f"forward layer and \"{getattr(bw, attr, None)}\" for backward layer")

    @property
    def stateful(self) -> bool:
        return bool(getattr(self.forward_layer, "stateful", False))

    def reset_states(self, states=None) -> None:
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def build(self, input_shape):
        for rnn in (self.forward_layer, self.backward_layer):
            if not rnn.built:
                rnn._maybe_build(input_shape)
                for w in rnn._all_weights():
                    # Keras names them bidirectional/forward_lstm/lstm_cell/kernel:0
                    if w.layer is not self:
                        w.short_name = f"{w.layer.name}/{w.short_name}"
                        w.layer = self
        self.built = True

    # ---- shapes and masks
    def compute_output_shape(self, input_shape):
        out = self.forward_layer.compute_output_shape(input_shape)
        if self.return_state:
            out, states = out[0], list(out[1:])
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (None if out[-1] is None else 2 * out[-1],)
            result = out
        elif self.merge_mode is None:
            result = [tuple(out), tuple(out)]
        else:
            result = tuple(out)
        if self.return_state:
            result = (result if isinstance(result, list) else [result]) + states * 2
        return result

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out_mask = mask if self.return_sequences else None
        masks = [out_mask, out_mask] if self.merge_mode is None else [out_mask]
        if self.return_state:
            n = len(self.forward_layer.states) if hasattr(self.forward_layer, "states") else 0
            return masks + [None] * (2 * n)
        return masks if self.merge_mode is None else out_mask

    # ---- running
    def call(self, inputs, training=None, mask=None, initial_state=None, constants=None):
        if isinstance(inputs, (list, tuple)):
            if initial_state is None and len(inputs) > 1:
                initial_state = list(inputs[1:])
            inputs = inputs[0]
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        fw_kwargs, bw_kwargs = {"training": training}, {"training": training}
        if mask is not None:
            fw_kwargs["mask"] = bw_kwargs["mask"] = mask
        if initial_state is not None:
            states = list(initial_state)
            if len(states) % 2:
                raise ValueError(f"Layer {self.name}: `initial_state` must list the forward layer's "
                                 f"states then the backward layer's (an even number); received "
                                 f"{len(states)} tensor(s).")
            half = len(states) // 2
            fw_kwargs["initial_state"] = states[:half]
            bw_kwargs["initial_state"] = states[half:]
        if constants is not None:
            fw_kwargs["constants"] = bw_kwargs["constants"] = constants
        y = self.forward_layer(inputs, **fw_kwargs)
        y_rev = self.backward_layer(inputs, **bw_kwargs)
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            time_axis = 0 if getattr(self.forward_layer, "time_major", False) else 1
            y_rev = y_rev.flip(time_axis)
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def _merge(self, y, y_rev):
        mode = self.merge_mode
        if mode == "concat":
            return torch.cat([y, y_rev], dim=-1)
        if mode == "sum":
            return y + y_rev
        if mode == "ave":
            return (y + y_rev) / 2
        if mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def get_config(self):
        config = Layer.get_config(self)
        config["layer"] = _serialize(self._wrapped)
        config["merge_mode"] = self.merge_mode
        if self._backward_config is not None:
            config["backward_layer"] = self._backward_config
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = _deserialize(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = _deserialize(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)


def _recreate(layer: Layer, name_prefix: str, go_backwards: Optional[bool] = None) -> Layer:
    """A fresh copy of ``layer`` from its config (own weights), renamed, optionally reversed."""
    config = copy.deepcopy(layer.get_config())
    if go_backwards:
        config["go_backwards"] = not config.get("go_backwards", False)
    config["name"] = name_prefix + config.get("name", layer.name)
    config.pop("batch_input_shape", None)
    return type(layer).from_config(config)
