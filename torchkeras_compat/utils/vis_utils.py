"""Model diagrams (``keras.utils.plot_model`` / ``model_to_dot``), drawn with pydot + graphviz,
which are imported only when these functions are called.

The graph itself (one record node per layer, one edge per connection) is built without pydot,
by ``model_graph``, in the same form Keras 2 drew it.
"""
import os
import sys
from typing import List, Tuple

from torchkeras_compat.utils.io_utils import print_msg

__all__ = ["model_to_dot", "plot_model", "model_graph", "check_pydot", "check_graphviz"]

_INSTALL_HINT = ("You must install pydot (`pip install pydot`) and install graphviz (see "
                 "instructions at https://graphviz.gitlab.io/download/) for plot_model to work.")


def _pydot():
    try:
        import pydot
    except ImportError:
        return None
    return pydot


def check_pydot() -> bool:
    """Whether pydot can be imported."""
    return _pydot() is not None


def check_graphviz() -> bool:
    """Whether pydot is installed and can run graphviz's `dot`."""
    pydot = _pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())
        return True
    except Exception:  # graphviz missing: pydot raises OSError/FileNotFoundError/its own error
        return False


def _graph_layers(model) -> list:
    """The model's layers including its InputLayers (what Keras draws)."""
    return list(getattr(model, "_graph_layers", None) or model.layers)


def _model_nodes(model) -> set:
    """ids of the layer calls (Nodes) that belong to this model: those reachable from its outputs."""
    seen, stack = set(), []
    for t in getattr(model, "outputs", None) or []:
        if getattr(t, "_history", None) is not None:
            layer, index, _ = t._history
            stack.append(layer._inbound_nodes[index])
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(node.parent_nodes)
    return seen


def _format_shape(shape) -> str:
    return str(shape).replace("{", r"\{").replace("}", r"\}")


def _activation_name(activation) -> str:
    return getattr(activation, "name", None) or getattr(activation, "__name__", None) or str(activation)


def _label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
           show_trainable) -> str:
    label = type(layer).__name__
    name = layer.name
    inner = getattr(layer, "layer", None)  # wrappers: Bidirectional(LSTM), TimeDistributed(...)
    if inner is not None and hasattr(inner, "name"):
        name = f"{name}({inner.name})"
        label = f"{label}({type(inner).__name__})"
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        label = "{%s|%s}" % (label, _activation_name(activation))
    if show_layer_names:
        label = f"{name}|{label}"
    if show_dtype:
        dtype = getattr(layer, "dtype", None)
        label = f"{label}|{'?' if dtype is None else dtype}"
    if show_shapes:
        try:
            outputs = _format_shape(layer.output_shape)
        except (AttributeError, RuntimeError, ValueError):
            outputs = "?"
        try:
            inputs = _format_shape(layer.input_shape)
        except (AttributeError, RuntimeError, ValueError):
            inputs = "?"
        label = "{%s}|{input:|output:}|{{%s}|{%s}}" % (label, inputs, outputs)
    if show_trainable:
        label = f"{'T' if layer.trainable else 'NT'}|{label}"
    return label


def model_graph(model, show_shapes: bool = False, show_dtype: bool = False,
                show_layer_names: bool = True, layer_range=None,
                show_layer_activations: bool = False, show_trainable: bool = False
                ) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """`(nodes, edges)` of the model diagram: nodes are `(id, record label)`, edges `(src, dst)`.

    Args:
        layer_range: `[first, last]` layer names (inclusive, regex prefixes allowed as in
            Keras) to draw only part of the model.
    """
    if not getattr(model, "built", True):
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    layers = _graph_layers(model)
    lo, hi = _layer_range(layers, layer_range)
    nodes = [(str(id(layer)), _label(layer, show_shapes, show_dtype, show_layer_names,
                                     show_layer_activations, show_trainable))
             for i, layer in enumerate(layers) if lo <= i < hi]
    members = _model_nodes(model)
    drawn = {nid for nid, _ in nodes}
    edges = []
    for i, layer in enumerate(layers):
        if not lo <= i < hi:
            continue
        for node in getattr(layer, "_inbound_nodes", []):
            if members and id(node) not in members:
                continue  # a call of this layer in another model
            for parent in node.parent_nodes:
                src, dst = str(id(parent.layer)), str(id(layer))
                if src in drawn and (src, dst) not in edges:
                    edges.append((src, dst))
    if not members and len(nodes) > 1:  # a Sequential never called: draw the stack as a chain
        edges = [(nodes[k][0], nodes[k + 1][0]) for k in range(len(nodes) - 1)]
    return nodes, edges


def _layer_range(layers, layer_range) -> Tuple[int, int]:
    if layer_range is None:
        return 0, len(layers)
    import re

    if len(layer_range) != 2 or not all(isinstance(n, str) for n in layer_range):
        raise ValueError("layer_range must be a list of two layer names (strings). "
                         f"Received: {layer_range}")
    names = [layer.name for layer in layers]
    starts = [i for i, n in enumerate(names) if re.match(layer_range[0], n)]
    ends = [i for i, n in enumerate(names) if re.match(layer_range[1], n)]
    if not starts or not ends:
        raise ValueError(f"layer_range {layer_range} matches no layer; the layers are {names}.")
    return starts[0], ends[-1] + 1


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False,
                 show_layer_names: bool = True, rankdir: str = "TB", expand_nested: bool = False,
                 dpi: int = 96, subgraph: bool = False, layer_range=None,
                 show_layer_activations: bool = False, show_trainable: bool = False):
    """The model as a `pydot.Dot` (or `pydot.Cluster` with `subgraph=True`).

    Raises:
        ImportError: pydot is not installed.
        NotImplementedError: `expand_nested=True` (nested models are drawn as one node).
    """
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work.")
    if expand_nested:
        raise NotImplementedError("model_to_dot(expand_nested=True) is not implemented: nested "
                                  "models are drawn as a single node. Pass expand_nested=False.")
    nodes, edges = model_graph(model, show_shapes, show_dtype, show_layer_names, layer_range,
                               show_layer_activations, show_trainable)
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set_node_defaults(shape="record")
    for node_id, label in nodes:
        dot.add_node(pydot.Node(node_id, label=label))
    for src, dst in edges:
        dot.add_edge(pydot.Edge(src, dst))
    return dot


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = True, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 96, layer_range=None,
               show_layer_activations: bool = False, show_trainable: bool = False):
    """Draw the model to `to_file` (format from its extension, png by default).

    In a notebook without graphviz the install hint is printed instead of raising (as Keras
    did); the return value there is an `IPython.display.Image` when IPython is available.
    """
    if not check_graphviz():
        if "IPython.core.magics.namespace" in sys.modules:
            print_msg(_INSTALL_HINT)
            return None
        raise ImportError(_INSTALL_HINT)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi, layer_range=layer_range,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    extension = os.path.splitext(str(to_file))[1][1:] or "png"
    dot.write(str(to_file), format=extension)
    if extension != "pdf":
        try:
            from IPython import display

            return display.Image(filename=str(to_file))
        except ImportError:
            pass
    return None
