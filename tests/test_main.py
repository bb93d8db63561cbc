"""python -m torchkeras_compat SCRIPT.py: `import keras` is served by this package in that run."""
import os
import subprocess
import sys
import textwrap


def test_unmodified_keras_script_runs(tmp_path):
    script = tmp_path / "old.py"
    script.write_text(textwrap.dedent("""
        import sys
        import numpy as np
        import keras
        from keras.models import Sequential
        from keras.layers import Dense, Activation
        from keras import backend as K
        model = Sequential()
        model.add(Dense(10, input_dim=15))
        model.add(Activation('relu'))
        model.compile(optimizer='rmsprop', loss='mse')
        model.fit(np.random.rand(8, 15), np.random.rand(8, 10), epochs=1, verbose=0)
        print("OK", keras.__name__, K.backend(), sys.argv[1:])
    """))
    out = subprocess.run([sys.executable, "-m", "torchkeras_compat", str(script), "a", "b"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "OK torchkeras_compat torch ['a', 'b']" in out.stdout


def test_missing_script_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "torchkeras_compat", "nope.py"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 2 and "no such file" in out.stderr


def test_unsupported_keras_module_names_itself(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("import keras.no_such_module\n")
    out = subprocess.run([sys.executable, "-m", "torchkeras_compat", str(script)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode != 0 and "keras.no_such_module" in out.stderr
    assert os.path.exists(script)
