"""Every notebook in notebooks/ runs top to bottom (nbclient, the venv's own ipykernel).

Each runs in a scratch directory (files it saves land there) with ``notebooks/data`` beside it.
Cells tagged ``raises-exception`` demonstrate an error on purpose; any other error fails.
"""
import glob
import os
import shutil

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK_DIR = os.path.join(REPO, "notebooks")
NOTEBOOKS = sorted(glob.glob(os.path.join(NOTEBOOK_DIR, "*.ipynb")))


def test_there_are_notebooks_and_they_are_stored_without_outputs():
    names = [os.path.basename(p) for p in NOTEBOOKS]
    assert "01_quickstart.ipynb" in names and len(names) >= 7
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_runs(path, tmp_path, monkeypatch):
    # The kernel inherits this environment: the package from this checkout, and one torch
    # thread (small models on a shared CPU run several times faster without thread hand-offs).
    monkeypatch.setenv("PYTHONPATH", REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # 'python3' must be this interpreter's own ipykernel, not a user-level kernelspec elsewhere
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    shutil.copytree(os.path.join(NOTEBOOK_DIR, "data"), tmp_path / "data")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [out for cell in nb.cells if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"]
    tagged = [cell for cell in nb.cells if "raises-exception" in cell.metadata.get("tags", [])]
    assert len(errors) == len(tagged)  # only the cells that demonstrate an error raised one
