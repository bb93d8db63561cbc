"""``EinsumDense``: a dense layer whose product is any einsum of the input with a kernel."""
import re
from typing import List, Optional, Tuple

import torch

from .. import activations, constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import Layer


@registry.register("layer")
class EinsumDense(Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``.

    ``equation`` is ``"<input>,<kernel>-><output>"`` (e.g. ``"ab,bc->ac"``, ``"abc,cde->abde"``),
    optionally with ``...`` standing for leading or trailing input axes. ``output_shape`` gives
    the output's sizes without the batch axis (an int for one axis; ``None`` for an axis taken
    from the input). The kernel's shape is read off the equation: input letters take the input's
    size, the others the output's. ``bias_axes`` names the output letters the bias spans.
    """

    def __init__(self, equation: str, output_shape, activation=None, bias_axes: Optional[str] = None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.equation = equation
        self.partial_output_shape = ([output_shape] if isinstance(output_shape, int)
                                     else list(output_shape))
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        _split(equation)  # a malformed equation fails here, not at build time

    def build(self, input_shape):
        kernel_shape, bias_shape, self.full_output_shape = _shapes(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape, self.name)
        self.kernel = self.add_weight("kernel", tuple(kernel_shape), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = (None if bias_shape is None else
                     self.add_weight("bias", tuple(bias_shape), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint))
        self.built = True

    def call(self, inputs):
        out = torch.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out) if self.activation is not None else out

    def compute_output_shape(self, input_shape):
        return tuple(_shapes(self.equation, self.bias_axes, tuple(input_shape),
                             self.partial_output_shape, self.name)[2])

    def get_config(self):
        config = super().get_config()
        config.update({
            "output_shape": self.partial_output_shape, "equation": self.equation,
            "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint)})
        return config


def _split(equation: str) -> Tuple[str, str, str, str]:
    """(input, kernel, output, where the ellipsis is: '' / 'left' / 'right')."""
    plain = equation.replace("...", "0")
    for pattern, side in (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", ""),
                          ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", "left"),
                          ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", "right")):
        m = re.match(pattern, plain)
        if m:
            return m.group(1), m.group(2), m.group(3), side
    raise ValueError(f"Invalid einsum equation '{equation}'. Equations must be in the form "
                     "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")


def _shapes(equation: str, bias_axes, input_shape: tuple, partial_output, name: str):
    """(kernel shape, bias shape or None, full output shape with the batch axis)."""
    in_spec, w_spec, out_spec, side = _split(equation)
    elided = len(input_shape) - len(in_spec)
    output: List = [partial_output] if isinstance(partial_output, int) else list(partial_output)
    output.insert(0, input_shape[0])
    if elided > 0 and side == "left":
        output[1:1] = list(input_shape[1:elided])
    elif elided > 0:
        output += list(input_shape[len(input_shape) - elided:])
    offset = elided if side == "left" else 0
    in_axis = {c: i + offset for i, c in enumerate(in_spec)}
    out_axis = {c: i + offset for i, c in enumerate(out_spec)}
    for c in in_spec:  # a letter shared with the output: the output has the input's size
        if c in out_axis:
            given = output[out_axis[c]]
            if given is not None and given != input_shape[in_axis[c]]:
                raise ValueError(f"Layer {name}: input shape and output shape do not match at shared "
                                 f"dimension '{c}'. Input shape is {input_shape[in_axis[c]]}, and "
                                 f"output shape is {given}.")
            output[out_axis[c]] = input_shape[in_axis[c]]
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(f"Layer {name}: dimension '{c}' of the output '{out_spec}' is in neither "
                             f"the input spec '{in_spec}' nor the weight spec '{w_spec}'.")
    kernel = []
    for c in w_spec:
        if c in in_axis:
            kernel.append(input_shape[in_axis[c]])
        elif c in out_axis:
            kernel.append(output[out_axis[c]])
        else:
            raise ValueError(f"Layer {name}: weight dimension '{c}' is in neither the input spec "
                             f"'{in_spec}' nor the output spec '{out_spec}'; the weight must be fully "
                             "specified.")
    bias = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(f"Layer {name}: bias dimension '{c}' was requested, but is not part "
                                 f"of the output spec '{out_spec}'.")
        first = min(out_spec.find(c) for c in bias_axes)
        bias = [output[out_axis[c]] if c in bias_axes else 1 for c in out_spec[first:]]
        if side != "left":
            bias += [1] * max(elided, 0)
    return kernel, bias, output
