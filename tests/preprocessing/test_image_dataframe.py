"""flow_from_dataframe (runs only where pandas is installed; pandas is never a dependency)."""
import os

import numpy as np
import pytest
from PIL import Image

from torchkeras_compat.preprocessing.image import ImageDataGenerator

pd = pytest.importorskip("pandas")


def test_flow_from_dataframe_class_modes(tmp_path, capsys):
    names = []
    for i, value in enumerate([10, 20, 30, 40]):
        name = f"img{i}.png"
        Image.fromarray(np.full((5, 6, 3), value, dtype=np.uint8)).save(tmp_path / name)
        names.append(name)
    df = pd.DataFrame({"filename": names + ["missing.png"], "class": ["a", "b", "a", "b", "a"],
                       "w": [1.0, 2.0, 3.0, 4.0, 5.0], "target": [0.1, 0.2, 0.3, 0.4, 0.5]})
    gen = ImageDataGenerator(rescale=1 / 255.0)
    with pytest.warns(UserWarning, match="invalid image filename"):
        it = gen.flow_from_dataframe(df, directory=str(tmp_path), target_size=(5, 6),
                                     batch_size=4, shuffle=False, weight_col="w")
    assert "Found 4 validated image filenames belonging to 2 classes." in capsys.readouterr().out
    x, y, w = it[0]
    assert x.shape == (4, 5, 6, 3) and it.class_indices == {"a": 0, "b": 1}
    np.testing.assert_array_equal(y, np.eye(2)[[0, 1, 0, 1]])
    np.testing.assert_allclose(x[:, 0, 0, 0] * 255, [10, 20, 30, 40], rtol=1e-5)
    assert w.tolist() == [1.0, 2.0, 3.0, 4.0]
    with pytest.warns(UserWarning):
        raw = gen.flow_from_dataframe(df, directory=str(tmp_path), y_col="target",
                                      class_mode="raw", target_size=(5, 6), shuffle=False)
    np.testing.assert_allclose(raw[0][1], [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(TypeError, match="must be strings"):
        gen.flow_from_dataframe(df.assign(filename=1), directory=str(tmp_path))
