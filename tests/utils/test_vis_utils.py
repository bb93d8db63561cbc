"""plot_model / model_to_dot: the drawn graph, and the error without pydot/graphviz."""
import pytest

import torchkeras_compat as keras
from torchkeras_compat.utils import vis_utils


def _labels(nodes, edges):
    names = {i: label.split("|")[0] for i, label in nodes}
    return [label for _, label in nodes], [(names[s], names[d]) for s, d in edges]


def test_functional_graph_nodes_and_edges():
    inp = keras.layers.Input((4,), name="x")
    a = keras.layers.Dense(3, name="d1", activation="relu")(inp)
    b = keras.layers.Dense(2, name="d2")(a)
    c = keras.layers.Dense(3, name="d3")(inp)
    model = keras.models.Model(inp, [b, c])
    labels, edges = _labels(*vis_utils.model_graph(model, show_layer_activations=True))
    assert labels == ["x|InputLayer", "d1|{Dense|relu}", "d2|{Dense|linear}", "d3|{Dense|linear}"]
    assert edges == [("x", "d1"), ("d1", "d2"), ("x", "d3")]
    nodes, _ = vis_utils.model_graph(model, show_shapes=True)
    assert nodes[2][1] == "{d2|Dense}|{input:|output:}|{{(None, 3)}|{(None, 2)}}"
    labels, edges = _labels(*vis_utils.model_graph(model, layer_range=["d1", "d2"]))
    assert labels == ["d1|Dense", "d2|Dense"] and edges == [("d1", "d2")]


def test_sequential_graph_is_a_chain():
    model = keras.models.Sequential([keras.layers.Dense(2, input_shape=(3,), name="a"),
                                     keras.layers.Dense(1, name="b")])
    labels, edges = _labels(*vis_utils.model_graph(model, show_layer_names=False))
    assert labels[1:] == ["Dense", "Dense"] and len(edges) == 2


@pytest.mark.skipif(vis_utils.check_graphviz(), reason="pydot and graphviz are installed here")
def test_plot_model_without_graphviz_says_what_to_install(tmp_path):
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ImportError, match="pip install pydot"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"))
