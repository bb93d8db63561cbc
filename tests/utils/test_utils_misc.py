"""keras.utils helpers on symbolic tensors."""
import pytest

import torchkeras_compat as keras


def test_get_source_inputs_walks_back_to_the_inputs():
    a, b = keras.layers.Input((3,)), keras.layers.Input((3,))
    out = keras.layers.Dense(2)(keras.layers.Add()([keras.layers.Dense(3)(a), b]))
    sources = keras.utils.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert keras.utils.get_source_inputs(a) == [a]
    with pytest.raises(ValueError, match="symbolic"):
        keras.utils.get_source_inputs(3.0)
