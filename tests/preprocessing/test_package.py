"""`keras.preprocessing` itself: the submodules and the dataset builders tf.keras 2 re-exports."""
import numpy as np

import torchkeras_compat as keras
from torchkeras_compat.utils import dataset_utils


def test_dataset_builders_are_reachable_from_preprocessing():
    from torchkeras_compat.preprocessing import image_dataset_from_directory, timeseries_dataset_from_array
    assert image_dataset_from_directory is dataset_utils.image_dataset_from_directory
    assert timeseries_dataset_from_array is dataset_utils.timeseries_dataset_from_array
    ds = keras.preprocessing.timeseries_dataset_from_array(np.arange(10), None, sequence_length=4, batch_size=8)
    batches = [np.asarray(b) for b in ds]
    np.testing.assert_array_equal(batches[0][0], [0, 1, 2, 3])
    assert batches[0].shape == (7, 4)


def test_unknown_attribute_names_the_module():
    try:
        keras.preprocessing.no_such_thing
    except AttributeError as e:
        assert "torchkeras_compat.preprocessing" in str(e)
    else:
        raise AssertionError("expected AttributeError")
