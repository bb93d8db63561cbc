"""tools/supported_api.py: the README's supported-API table is generated from the code."""
import importlib.util
import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "supported_api", os.path.join(REPO, "tools", "supported_api.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_lists_keras_paths_and_their_names(capsys):
    tool = load_tool()
    assert tool.main(["--check"]) == 0  # every public module imports
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["| Keras module | Classes | Functions |", "|---|---|---|"]
    rows = {line.split(" | ")[0].strip("| `"): line for line in lines[2:] if line.startswith("| `")}
    assert "`Dense`" in rows["keras.layers"] and "`Sequential`" in rows["keras.models"]
    assert "`VGG16`" in rows["keras.applications"]
    assert "`decode_predictions`" in rows["keras.applications.vgg16"]
    assert "`KerasClassifier`" in rows["keras.wrappers.scikit_learn"]
    assert "`pad_sequences`" in rows["keras.preprocessing.sequence"]
    # implementation modules are not Keras paths
    assert not any(path.startswith(("keras.porting", "keras.importhook", "keras.legacy"))
                   for path in rows)
    # a module's imports from other families are not listed as its API
    assert "`Conv2D`" not in rows["keras.applications.vgg16"]
