"""An MNIST-sized MLP trained with ``model.fit`` vs the same net in a hand-written torch loop.

    python benchmarks/bench_mlp.py [--device cuda] [--samples 60000] [--batch 128] [--rounds 5]

The net is the classic Keras MNIST MLP: Dense(512, relu) - Dropout(0.2) - Dense(512, relu) -
Dropout(0.2) - Dense(10, softmax) on 784 inputs, RMSprop, categorical cross-entropy on one-hot
targets, ``metrics=['accuracy']``, shuffled batches of 128. The data is synthetic (60000 x 784
uniform floats, random labels): speed does not depend on the values.

The torch side is what one writes by hand: ``nn.Sequential`` with the same layers, the softmax
folded into ``CrossEntropyLoss`` on logits, ``torch.optim.RMSprop`` with Keras's defaults
(rho=0.9, eps=1e-7), a shuffled index per epoch, and the accuracy counted on the device and read
once per epoch. One epoch of each side per round, in turns; the medians and the ratio
ours / torch are printed. Issue 8's target: ratio <= 1.05.
"""
import argparse
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import interleaved, print_side_by_side, set_threads  # noqa: E402

import torchkeras_compat as keras  # noqa: E402
from torchkeras_compat.backend import config as backend_config  # noqa: E402

FEATURES, HIDDEN, CLASSES = 784, 512, 10


def make_data(samples: int, seed: int = 0):
    """Synthetic MNIST-sized arrays: x (samples, 784) float32 in [0, 1), y one-hot float32."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(0, 1, (samples, FEATURES)).astype("float32")
    labels = rng.randint(0, CLASSES, samples)
    y = np.eye(CLASSES, dtype="float32")[labels]
    return x, y, labels


def keras_model(jit_compile: bool = False):
    from torchkeras_compat import layers as L
    model = keras.Sequential([
        L.Dense(HIDDEN, activation="relu", input_shape=(FEATURES,)),
        L.Dropout(0.2),
        L.Dense(HIDDEN, activation="relu"),
        L.Dropout(0.2),
        L.Dense(CLASSES, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)
    return model


def torch_model(device) -> nn.Module:
    return nn.Sequential(
        nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(HIDDEN, CLASSES),
    ).to(device)


def torch_optimizer(net: nn.Module):
    return torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)


def torch_epoch(net, opt, loss_fn, x, labels, batch: int) -> float:
    """One epoch of the idiomatic hand-written loop; returns the epoch accuracy."""
    net.train()
    order = torch.randperm(x.shape[0], device=x.device)
    correct = torch.zeros((), device=x.device)
    for i in range(0, x.shape[0], batch):
        idx = order[i:i + batch]
        xb, yb = x[idx], labels[idx]
        opt.zero_grad(set_to_none=True)
        logits = net(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        opt.step()
        correct += (logits.detach().argmax(-1) == yb).sum()
    return float(correct) / x.shape[0]


def contenders(samples: int, batch: int, device, jit: bool = False) -> dict:
    """Callables that each train one epoch: 'ours' (model.fit on numpy) and 'torch'."""
    x, y, labels = make_data(samples)
    xt, lt = torch.from_numpy(x).to(device), torch.from_numpy(labels).to(device)
    model = keras_model(jit_compile=jit)
    net = torch_model(device)
    opt = torch_optimizer(net)
    loss_fn = nn.CrossEntropyLoss()
    return {
        "ours": lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0),
        "torch": lambda: torch_epoch(net, opt, loss_fn, xt, lt, batch),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default=None, help="cpu or cuda (default: CUDA when available)")
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--jit", action="store_true", help="compile(jit_compile=True) on our side")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="'cpu': process CPU time (steadier on a shared machine with --threads 1)")
    args = parser.parse_args(argv)
    set_threads(args.threads)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    backend_config.set_device(device)
    medians = interleaved(contenders(args.samples, args.batch, device, args.jit), args.rounds, device,
                          clock=args.clock)
    steps = -(-args.samples // args.batch)
    print(f"MLP 784-512-512-10: device={device} samples={args.samples} batch={args.batch} "
          f"steps/epoch={steps} rounds={args.rounds} threads={torch.get_num_threads()} clock={args.clock}")
    print_side_by_side("epoch time (median)", medians)
    ratio = medians["ours"] / medians["torch"]
    print(f"ratio fit / plain torch: {ratio:.3f}  (target <= 1.05: {'met' if ratio <= 1.05 else 'NOT met'})")
    return medians


if __name__ == "__main__":
    main()
