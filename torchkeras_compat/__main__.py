"""``python -m torchkeras_compat SCRIPT.py [ARGS]``: run an unmodified Keras script on PyTorch.

Inside that run only, ``import keras`` and every ``keras.*`` module (and ``tensorflow.keras`` when
TensorFlow is not installed) resolve to this package.

``python -m torchkeras_compat check SCRIPT.py|NOTEBOOK.ipynb`` reports, without running it, every
Keras name the code uses and whether this package supports it (exit status 1 if any is missing).
"""
import sys

from .importhook import install_keras_alias, run_script


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        print("\nusage: python -m torchkeras_compat SCRIPT.py [ARGS...]\n"
              "       python -m torchkeras_compat check SCRIPT.py|NOTEBOOK.ipynb")
        return 0 if argv else 2
    if argv[0] == "check":
        from .porting import main as check_main
        return check_main(argv[1:])
    install_keras_alias()
    return run_script(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
