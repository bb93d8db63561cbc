"""``K.function(inputs, outputs)``: evaluate part of a layer graph on numpy data.

Old Keras code reads intermediate activations with
``K.function([model.input, K.learning_phase()], [model.layers[3].output])([x, 0])``; the inputs may
be any symbolic tensors of the graph, not only ``Input``s.
"""
import numpy as np
import torch

from .base_layer import CALL_CONTEXT
from .functional import _Step, _map_graph, _nest_like
from .keras_tensor import KerasTensor
from .input_layer import InputLayer


class GraphFunction:
    def __init__(self, inputs, outputs):
        from ..backend import _LearningPhase
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self._phase_index = next((i for i, t in enumerate(inputs) if isinstance(t, _LearningPhase)), None)
        self.inputs = [t for t in inputs if isinstance(t, KerasTensor)]
        if len(self.inputs) + (self._phase_index is not None) != len(inputs):
            raise TypeError("K.function: inputs must be symbolic tensors (model.input, layer.output) "
                            "or K.learning_phase().")
        self._single_output = not isinstance(outputs, (list, tuple))
        self.outputs = [outputs] if self._single_output else list(outputs)
        nodes_by_depth, _ = _map_graph(self.inputs, self.outputs)
        given = {id(t) for t in self.inputs}
        self._plan = [_Step(n) for d in sorted(nodes_by_depth, reverse=True) for n in nodes_by_depth[d]
                      if not isinstance(n.layer, InputLayer) and not all(id(t) in given for t in n.output_tensors)]

    def __call__(self, values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        phase = None
        if self._phase_index is not None:
            phase = bool(int(values.pop(self._phase_index)))
        device = _device_of(self._plan)
        slots = {}
        for t, v in zip(self.inputs, values):
            tensor = torch.as_tensor(np.asarray(v))
            if tensor.is_floating_point():
                tensor = tensor.float()
            slots[id(t)] = tensor.to(device)
        outer = CALL_CONTEXT.training
        CALL_CONTEXT.training = phase if phase is not None else False
        try:
            with torch.no_grad():
                for step in self._plan:
                    args = _nest_like(step.node.inputs, iter([slots[i] for i in step.input_ids]))
                    kwargs = dict(step.node.call_kwargs)
                    for k, ids in step.kwarg_ids.items():
                        kwargs[k] = _nest_like(kwargs[k], iter([slots[i] for i in ids]))
                    extra = kwargs.pop("__args__", ())
                    out = step.layer(args, *extra, **kwargs)
                    outs = [out] if torch.is_tensor(out) else list(out)
                    slots.update(zip(step.output_ids, outs))
        finally:
            CALL_CONTEXT.training = outer
        results = [slots[id(t)].detach().cpu().numpy() for t in self.outputs]
        return results[0] if self._single_output else results


def _device_of(plan):
    for step in plan:
        for p in step.layer.parameters():
            return p.device
    from ..backend import config
    return config.get_device()
