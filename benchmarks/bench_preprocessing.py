"""Preprocessing speed, side by side with Keras 2's own implementation (tf_keras 2.21).

    .venv/bin/python benchmarks/bench_preprocessing.py [--repeat 5] [--only augment]
                                                        [--threads N] [--ref-python PATH]

Runs each workload here, then the same workload with Keras 2 in the reference environment
(`--ref-python`, default /work/refvenv/bin/python: tensorflow + tf_keras + scipy + Pillow; it is
never a dependency of this package), on identical data, and prints the best time of each and
the speed-up (wall clock), then the same for process CPU time. Workloads (from the issue;
`--only` takes these short names):

- tokenizer: fit_on_texts + texts_to_sequences on 20,000 documents (target: 2x);
- tokenizer_matrix: fit + texts_to_matrix(mode='tfidf') on 5,000 documents;
- pad, pad_arrays: pad_sequences of 100,000 sequences of 10-300 ids, maxlen=200, as python
  lists (target: 5x) and as numpy arrays;
- augment: ImageDataGenerator, one batch of random transforms (rotation, shifts, shear, zoom,
  horizontal flips, fill_mode='nearest') of 1,024 RGB 64x64 float32 images (target: 10x).

Each side times only its own work on data built before the clock starts: for `augment`,
`flow(...)[0]` on the same array with the same arguments and seed (Keras 2 warps image by
image with scipy; this package one batch with torch). `--threads` sets torch's intra-op
threads for this package (default: torch's own default, printed); Keras 2's image, text and
sequence code is single-threaded numpy/scipy either way.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
AUGMENT = dict(rotation_range=20, width_shift_range=0.1, height_shift_range=0.1, shear_range=10,
               zoom_range=0.15, horizontal_flip=True, fill_mode="nearest")


def make_texts(n_docs=20000, vocab=20000, seed=0):
    rng = np.random.RandomState(seed)
    words = np.array(["w%d" % i for i in range(vocab)])
    lengths = rng.randint(20, 200, n_docs)
    ids = np.minimum(rng.zipf(1.3, lengths.sum()), vocab) - 1
    flat = words[ids]
    texts, start = [], 0
    for n in lengths:
        texts.append(" ".join(flat[start:start + n]) + ". The END!")
        start += n
    return texts


def make_sequences(n=100000, seed=1):
    rng = np.random.RandomState(seed)
    return [rng.randint(1, 20000, rng.randint(10, 300)).tolist() for _ in range(n)]


def make_images(seed=2):
    return (np.random.RandomState(seed).rand(1024, 64, 64, 3) * 255).astype("float32")


WORKLOADS = {
    "tokenizer": "Tokenizer fit_on_texts+texts_to_sequences (20k docs)",
    "tokenizer_matrix": "Tokenizer fit+texts_to_matrix tfidf (5k docs, 2k words)",
    "pad": "pad_sequences (100k seqs, maxlen=200)",
    "pad_arrays": "pad_sequences (100k numpy arrays, maxlen=200)",
    "augment": "ImageDataGenerator random transforms (1024 x 64x64x3)",
}


def workloads(impl: str, only=None) -> dict:
    """short name -> zero-argument function running that workload with `impl` ('ours' or
    'keras'), for the names in `only` (default: all). Data is built here, untimed."""
    if impl == "keras":
        from tf_keras.preprocessing.image import ImageDataGenerator
        from tf_keras.preprocessing.sequence import pad_sequences
        from tf_keras.preprocessing.text import Tokenizer
    else:
        sys.path.insert(0, os.path.dirname(HERE))
        from torchkeras_compat.preprocessing.image import ImageDataGenerator
        from torchkeras_compat.preprocessing.sequence import pad_sequences
        from torchkeras_compat.preprocessing.text import Tokenizer

    names = list(only or WORKLOADS)
    table = {}
    if {"tokenizer", "tokenizer_matrix"} & set(names):
        texts = make_texts()

        def tokenizer():
            t = Tokenizer(num_words=10000, oov_token="<unk>")
            t.fit_on_texts(texts)
            t.texts_to_sequences(texts)

        def tokenizer_matrix():
            t = Tokenizer(num_words=2000)
            t.fit_on_texts(texts[:5000])
            t.texts_to_matrix(texts[:5000], mode="tfidf")

        table.update(tokenizer=tokenizer, tokenizer_matrix=tokenizer_matrix)
    if {"pad", "pad_arrays"} & set(names):
        seqs = make_sequences()
        arrays = [np.asarray(q, dtype="int32") for q in seqs]

        def pad():
            pad_sequences(seqs, maxlen=200)

        def pad_arrays():
            pad_sequences(arrays, maxlen=200)

        table.update(pad=pad, pad_arrays=pad_arrays)
    if "augment" in names:
        images = make_images()
        gen = ImageDataGenerator(**AUGMENT)

        def augment():
            gen.flow(images, batch_size=1024, shuffle=False, seed=3)[0]

        table.update(augment=augment)
    return {name: table[name] for name in names}


def _setup(impl: str, threads) -> str:
    """Apply `threads` to torch (ours only); describe the threading of `impl`."""
    if impl == "keras":
        return "numpy/scipy, single-threaded"
    import torch

    if threads:
        torch.set_num_threads(threads)
    return f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads"


def serve(impl: str, only, threads) -> None:
    """Worker mode: announce the workload names and the threading, then read a workload name
    per line and answer with its time in seconds (JSON)."""
    about = _setup(impl, threads)
    table = workloads(impl, only)
    print(json.dumps([list(table), about]), flush=True)
    for line in sys.stdin:
        fn = table[line.strip()]
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        print(json.dumps([time.perf_counter() - start, time.process_time() - start_cpu]),
              flush=True)


def _worker(python: str, impl: str, args) -> subprocess.Popen:
    command = [python, os.path.abspath(__file__), "--serve", impl]
    if args.only:
        command += ["--only"] + args.only
    if args.threads:
        command += ["--threads", str(args.threads)]
    return subprocess.Popen(command,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))


def _ask(proc: subprocess.Popen, name: str) -> list:
    proc.stdin.write(name + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"benchmark worker died while running {name!r}")
    return json.loads(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="+", choices=sorted(WORKLOADS), metavar="NAME",
                        help="run only these workloads: " + ", ".join(WORKLOADS))
    parser.add_argument("--threads", type=int, default=0,
                        help="torch intra-op threads for this package (default: torch's)")
    parser.add_argument("--ref-python",
                        default=os.environ.get("REF_PYTHON", "/work/refvenv/bin/python"))
    parser.add_argument("--serve", choices=["ours", "keras"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.only, args.threads)
        return
    # Both implementations run in their own long-lived process and take turns on each workload,
    # so that background load hits both alike; the best of `repeat` turns is reported.
    ours, keras = _worker(sys.executable, "ours", args), _worker(args.ref_python, "keras", args)
    names, about_ours = json.loads(ours.stdout.readline())
    keras_names, about_keras = json.loads(keras.stdout.readline())
    if keras_names != names:
        raise SystemExit("the two workers disagree on the workloads")
    print(f"keras 2: {about_keras}; ours: {about_ours}")
    # wall-clock time is what the speed-up is about; the process CPU time (all threads) is
    # printed beside it because on a busy machine it varies far less
    print(f"{'workload':58s} {'keras 2':>9s} {'ours':>9s} {'speed-up':>9s}   "
          f"{'cpu keras 2':>11s} {'cpu ours':>9s} {'cpu ratio':>9s}")
    for name in names:
        times = {"keras": [], "ours": []}
        for _ in range(args.repeat):
            times["keras"].append(_ask(keras, name))
            times["ours"].append(_ask(ours, name))
        (t_keras, c_keras), (t_ours, c_ours) = (np.min(times[k], axis=0) for k in ("keras", "ours"))
        print(f"{WORKLOADS[name]:58s} {t_keras:8.3f}s {t_ours:8.3f}s {t_keras / t_ours:8.1f}x   "
              f"{c_keras:10.3f}s {c_ours:8.3f}s {c_keras / c_ours:8.1f}x", flush=True)
    for proc in (ours, keras):
        proc.stdin.close()
        proc.wait()


if __name__ == "__main__":
    main()
