"""A small Conv2D net trained with ``model.fit`` vs the same net in a plain torch loop, in one run.

    python benchmarks/bench_cnn.py [--device cuda] [--samples 4096] [--batch 128] [--rounds 5]

The net (MNIST-sized, 28x28x1): Conv2D(32, 3, relu) - MaxPooling2D - Conv2D(64, 3, relu) -
MaxPooling2D - Flatten - Dense(128, relu) - Dense(10, softmax), Adam, sparse categorical
cross-entropy, shuffled batches. The Keras side takes NHWC arrays as Keras code does; the torch
side is what one writes by hand: ``nn.Sequential`` on NCHW tensors, ``CrossEntropyLoss`` on
logits, ``torch.optim.Adam``. Both get their data as tensors already on the device (the fit
side via numpy arrays, as Keras users pass them). Rounds alternate (one epoch each side per
round) so that machine noise hits both alike; the medians and the ratio ours / torch are printed.
"""
import argparse
import statistics
import time

import numpy as np
import torch
from torch import nn

import torchkeras_compat as keras
from torchkeras_compat.backend import config as backend_config


def keras_model():
    from torchkeras_compat import layers as L
    from torchkeras_compat.layers.convolutional import Conv2D
    from torchkeras_compat.layers.pooling import MaxPooling2D
    model = keras.Sequential([
        Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
        MaxPooling2D(),
        Conv2D(64, 3, activation="relu"),
        MaxPooling2D(),
        L.Flatten(),
        L.Dense(128, activation="relu"),
        L.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


def torch_model(device):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
    ).to(device)


def torch_epoch(model, opt, loss_fn, x, y, batch):
    model.train()
    order = torch.randperm(x.shape[0], device=x.device)
    for i in range(0, x.shape[0], batch):
        idx = order[i:i + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    return loss.item()


def timed(fn, device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default=None, help="cpu or cuda (default: CUDA when available)")
    parser.add_argument("--samples", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    backend_config.set_device(device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True

    rng = np.random.RandomState(0)
    x = rng.uniform(0, 1, (args.samples, 28, 28, 1)).astype("float32")
    y = rng.randint(0, 10, (args.samples,)).astype("int64")
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous().to(device)
    yt = torch.from_numpy(y).to(device)

    model = keras_model()
    net = torch_model(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    # the same hand-written net in channels_last memory format (what torch's docs advise for convnets)
    net_cl = torch_model(device).to(memory_format=torch.channels_last)
    opt_cl = torch.optim.Adam(net_cl.parameters(), lr=1e-3)
    xt_cl = xt.contiguous(memory_format=torch.channels_last)
    loss_fn = nn.CrossEntropyLoss()

    def keras_epoch():
        model.fit(x, y, batch_size=args.batch, epochs=1, verbose=0)

    contenders = {
        "model.fit (NHWC arrays)": keras_epoch,
        "plain torch, NCHW": lambda: torch_epoch(net, opt, loss_fn, xt, yt, args.batch),
        "plain torch, channels_last": lambda: torch_epoch(net_cl, opt_cl, loss_fn, xt_cl, yt, args.batch),
    }
    for run in contenders.values():   # warm-up: lazy init, allocator, cuDNN autotuning
        run()
    times = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, run in contenders.items():
            times[name].append(timed(run, device))
    medians = {name: statistics.median(t) for name, t in times.items()}
    steps = -(-args.samples // args.batch)
    print(f"device={device} samples={args.samples} batch={args.batch} steps/epoch={steps} "
          f"rounds={args.rounds} threads={torch.get_num_threads()}")
    for name, seconds in medians.items():
        print(f"{name:28s} epoch {seconds * 1e3:9.1f} ms  ({seconds / steps * 1e3:.2f} ms/step)")
    fit_s = medians["model.fit (NHWC arrays)"]
    for name in list(contenders)[1:]:
        print(f"ratio fit / ({name}): {fit_s / medians[name]:.3f}")
    print(f"ratio fit / fastest plain torch: {fit_s / min(list(medians.values())[1:]):.3f}")


if __name__ == "__main__":
    main()
