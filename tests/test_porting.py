"""``python -m torchkeras_compat check``: the porting report, one test per outcome."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from torchkeras_compat import porting

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check(tmp_path, capsys, code: str, name: str = "script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    status = porting.main([str(path)])
    return status, capsys.readouterr().out.splitlines()


def rows(lines):
    """{name: (where, status)} from the report's body lines."""
    out = {}
    for line in lines[1:]:
        if line.startswith("  ") and ("ok" in line or "NOT SUPPORTED" in line):
            where, rest = line.strip().split("  ", 1)
            status, name = rest.strip().split("  ", 1) if rest.strip().startswith("NOT") else \
                rest.strip().split(None, 1)
            out[name.split("  -- ")[0].strip()] = (where.strip(), status.strip())
    return out


def test_all_supported_exits_0_and_lists_every_name_with_its_line(tmp_path, capsys):
    status, lines = check(tmp_path, capsys, """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation
        from keras import backend as K
        import keras
        model = Sequential([Dense(4, input_dim=3, init='glorot_uniform'), Activation('relu')])
        model.add(keras.layers.Dense(1, activation='sigmoid'))
        model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy', 'mae'])
        eps = K.epsilon()
        """)
    assert status == 0
    assert lines[0].endswith("14 Keras name uses, 14 supported, 0 not supported")
    found = rows(lines)
    assert found["keras.models.Sequential"] == ("line 1", "ok")
    assert found["keras.layers.Activation"] == ("line 2", "ok")
    assert found["keras.backend.epsilon"] == ("line 8", "ok")
    assert found["keras.layers.Dense"][1] == "ok"
    assert found["'binary_crossentropy' (losses)"] == ("line 7", "ok")
    assert found["'relu' (activations)"] == ("line 5", "ok")  # Activation's positional string
    assert lines[-1] == "Everything this code uses from Keras is supported by torchkeras_compat."


def test_misspelled_module_is_unsupported_with_did_you_mean(tmp_path, capsys):
    # the first seed post writes `from keras.model import Sequential`
    status, lines = check(tmp_path, capsys, "from keras.model import Sequential\n")
    assert status == 1
    assert lines[1].split() [:4] == ["line", "1", "NOT", "SUPPORTED"]
    assert "keras.model is not provided; did you mean 'models'" in lines[1]
    assert lines[-1] == "Not everything is supported: see the lines marked NOT SUPPORTED."


def test_unknown_attribute_of_a_supported_module(tmp_path, capsys):
    status, lines = check(tmp_path, capsys, "from keras import backend as K\nK.sumx(1)\n")
    assert status == 1
    assert rows(lines)["keras.backend.sumx"] == ("line 2", "NOT SUPPORTED")
    assert "did you mean 'sum'" in lines[2]


def test_misspelled_string_identifier_uses_the_registry_suggestion(tmp_path, capsys):
    status, lines = check(tmp_path, capsys,
                          "model.compile(optimizer='adam', loss='binary_arossentropy')\n")
    assert status == 1
    bad = [ln for ln in lines if ln.startswith("  ") and "NOT SUPPORTED" in ln]
    assert len(bad) == 1 and "'binary_arossentropy' (losses)" in bad[0]
    assert "Did you mean 'binary_crossentropy'" in bad[0]


def test_tf_keras_names_map_to_keras_and_other_tensorflow_is_out_of_scope(tmp_path, capsys):
    status, lines = check(tmp_path, capsys, """\
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras.layers import Dense
        model = tf.keras.Sequential([Dense(1)])
        opt = keras.optimizers.SGD(0.1)
        print(tf.__version__)
        tf.random.set_seed(0)
        """)
    assert status == 1
    found = rows(lines)
    assert found["keras.Sequential"] == ("line 4", "ok")
    assert found["keras.layers.Dense"] == ("line 3", "ok")
    assert found["keras.optimizers.SGD"] == ("line 5", "ok")
    assert found["tensorflow.random.set_seed"] == ("line 7", "NOT SUPPORTED")
    hint = [ln for ln in lines if "set_seed" in ln][0]
    assert "outside torchkeras_compat's scope" in hint and "keras.utils.set_random_seed" in hint


def test_keras1_module_paths_resolve(tmp_path, capsys):
    status, lines = check(tmp_path, capsys, """\
        from keras.layers.core import Dense, Dropout
        from keras.utils.np_utils import to_categorical
        from keras.preprocessing.text import Tokenizer
        """)
    assert status == 0, lines


def test_notebook_cells_and_magics(tmp_path, capsys):
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["from keras.nothing import X\n"]},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import keras\n"]},
        {"cell_type": "code", "source": "!pip install h5py\nkeras.layers.Dense(2)\nkeras.layers.Dens(2)"},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    status, lines = check(tmp_path, capsys, json.dumps(nb), name="nb.ipynb")
    assert status == 1
    found = rows(lines)
    assert found["keras"] == ("cell 2, line 2", "ok")
    assert found["keras.layers.Dense"] == ("cell 3, line 2", "ok")
    assert found["keras.layers.Dens"] == ("cell 3, line 3", "NOT SUPPORTED")
    assert "keras.nothing" not in "\n".join(lines)  # markdown is not code


def test_syntax_error_exits_2_and_says_where(tmp_path, capsys):
    # the seed post's curly quotes make it unparsable Python
    status, lines = check(tmp_path, capsys, "import keras\nmodel.add(Dense(5, activation=\u201drelu\u201d))\n")
    assert status == 2
    assert any(ln.startswith("  cannot parse line 2:") for ln in lines)


def test_missing_file_exits_2(tmp_path, capsys):
    assert porting.main([str(tmp_path / "nope.py")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_command_line_exit_status(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("from keras.models import Sequential\nfrom keras.model import Sequential\n")
    r = subprocess.run([sys.executable, "-m", "torchkeras_compat", "check", str(script)],
                       env=dict(os.environ, PYTHONPATH=REPO), capture_output=True, text=True,
                       timeout=180)
    assert r.returncode == 1, r.stderr
    assert "2 Keras name uses, 1 supported, 1 not supported" in r.stdout
    assert "model.compile" not in r.stdout  # the code was read, not run
