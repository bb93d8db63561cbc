"""``python -m torchkeras_compat``: ``keras`` and (without TensorFlow) ``tensorflow.keras`` aliasing.

Each case runs a real subprocess, as a user would, from a scratch directory (few of them:
every subprocess pays for importing torch).
"""
import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, PYTHONPATH=REPO, PYTHONWARNINGS="ignore")

needs_no_tf = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is not None,
                                 reason="a real TensorFlow is installed")


def run_module(tmp_path, code: str, *args: str) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run([sys.executable, "-m", "torchkeras_compat", str(script), *args],
                          cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=180)


def test_keras_import_is_served_argv_passed_and_missing_module_explained(tmp_path):
    r = run_module(tmp_path, """
        import sys
        import keras
        from keras.models import Sequential
        from keras import backend as K
        import torchkeras_compat
        print(keras is torchkeras_compat, Sequential is torchkeras_compat.Sequential, K.floatx())
        print(sys.argv[1:])
        import keras.no_such_module
    """, "a", "--b")
    assert r.returncode == 1
    assert r.stdout.splitlines() == ["True True float32", "['a', '--b']"]
    assert "torchkeras_compat has no 'torchkeras_compat.no_such_module'" in r.stderr


@needs_no_tf
def test_tf_keras_spellings_are_served_and_other_tf_names_itself(tmp_path):
    r = run_module(tmp_path, """
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras.layers import Dense
        from tensorflow.keras import layers, models
        import tensorflow.keras.backend as K
        from tensorflow.python.keras.layers import Dense as OldDense
        import torchkeras_compat
        assert keras is torchkeras_compat and tf.keras is torchkeras_compat
        assert Dense is OldDense is layers.Dense is torchkeras_compat.layers.Dense
        assert models.Sequential is tf.keras.models.Sequential
        model = tf.keras.Sequential([Dense(4, input_shape=(3,), activation="relu"), Dense(1)])
        model.compile("sgd", "mse")
        model.fit(np.zeros((8, 3)), np.zeros((8, 1)), epochs=1, verbose=0)
        print(tf.__version__ == torchkeras_compat.__version__, model.output_shape, K.epsilon())
        print(hasattr(tf, "data"))
        try:
            import tensorflow.compat.v1
        except ModuleNotFoundError as e:
            print(e)
        x = tf.constant([1.0])
    """)
    assert r.returncode == 1
    out = r.stdout.splitlines()
    assert out[:2] == ["True (None, 1) 1e-07", "False"]
    assert out[2].startswith("'tensorflow.compat' is TensorFlow API outside torchkeras_compat's scope")
    assert "NotImplementedError" not in r.stderr.splitlines()[-1]  # the class is OutsideScopeError
    assert "use numpy arrays (or torch.tensor)" in r.stderr
    assert ("OutsideScopeError: 'tensorflow.constant' is TensorFlow API outside "
            "torchkeras_compat's scope") in r.stderr


def test_alias_is_only_inside_the_run_and_missing_script(capsys):
    # In-process: importing the package aliases neither tensorflow nor keras.
    import torchkeras_compat
    from torchkeras_compat import importhook
    assert torchkeras_compat.__name__ == "torchkeras_compat"
    assert not any(isinstance(f, (importhook.KerasAlias, importhook.TensorFlowAlias))
                   for f in sys.meta_path)
    assert "keras" not in sys.modules and not isinstance(sys.modules.get("tensorflow"),
                                                         importhook.TensorFlowStub)
    assert importhook.run_script("nope.py", []) == 2
    assert "can't open file 'nope.py'" in capsys.readouterr().err
