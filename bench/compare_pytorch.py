#!/usr/bin/python3
"""NativeCnn vs PyTorch on the CPU: training and inference images/s of the FER seed models.

Builds each architecture from models/<name>.json in PyTorch with the same Keras semantics
(BatchNormalization momentum 0.99 -> torch momentum 0.01, eps 1e-3; 'same'/'valid' padding;
Adam lr 1e-3, eps 1e-7; fused softmax cross-entropy), runs PyTorch and NativeCnn's
`train-throughput` bench alternately model by model in one run, and prints one table of medians
and ratios. Both sides use the same thread count (default: all cores), batch and random inputs.

Usage (Debian: apt-get install python3-torch libopenblas0-pthread):
    dotnet build -c Release bench && /usr/bin/python3 bench/compare_pytorch.py [--models a,b] [--threads 2]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(spec):
    """torch.nn.Sequential equivalent of an architecture JSON (see engine/Models/ArchitectureSpec.cs)."""
    h, w, c = spec["input_shape"]
    shape = (c, h, w)
    layers = []
    last = len(spec["layers"]) - 1

    def activation(name, final):
        if name in (None, "linear") or (name == "softmax" and final):
            return []  # the final softmax is fused into CrossEntropyLoss, as in NativeCnn
        return [nn.ReLU()] if name == "relu" else [nn.Softmax(dim=1)]

    for i, l in enumerate(spec["layers"]):
        t = l["type"]
        if t == "Conv2D":
            k = l["kernel_size"]
            k = (k, k) if isinstance(k, int) else tuple(k)
            pad = "same" if l.get("padding", "valid") == "same" else 0
            layers.append(nn.Conv2d(shape[0], l["filters"], k, padding=pad))
            oh = shape[1] if pad == "same" else shape[1] - k[0] + 1
            ow = shape[2] if pad == "same" else shape[2] - k[1] + 1
            shape = (l["filters"], oh, ow)
            layers += activation(l.get("activation"), i == last)
        elif t == "BatchNormalization":
            momentum = 1 - l.get("momentum", 0.99)
            eps = l.get("epsilon", 1e-3)
            bn = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
            layers.append(bn(shape[0], eps=eps, momentum=momentum))
        elif t == "Activation":
            layers += activation(l["activation"], i == last)
        elif t == "MaxPooling2D":
            p = l.get("pool_size", 2)
            layers.append(nn.MaxPool2d(p))
            shape = (shape[0], shape[1] // p, shape[2] // p)
        elif t == "Dropout":
            layers.append(nn.Dropout(l["rate"]))
        elif t == "Flatten":
            layers.append(nn.Flatten())
            shape = (shape[0] * shape[1] * shape[2],)
        elif t == "Dense":
            layers.append(nn.Linear(shape[0], l["units"]))
            shape = (l["units"],)
            layers += activation(l.get("activation"), i == last)
        else:
            raise ValueError(f"unsupported layer {t}")
    return nn.Sequential(*layers), (c, h, w), len(spec["classes"])


def median_rate(step, images, steps, repeats):
    for _ in range(3):
        step()
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(images * steps / (time.perf_counter() - t))
    return statistics.median(rates)


def torch_measure(name, batch, infer_batch, steps, repeats):
    with open(os.path.join(ROOT, "models", name + ".json")) as f:
        model, shape, classes = build(json.load(f))
    torch.manual_seed(1)
    x = torch.rand(batch, *shape)
    y = torch.randint(0, classes, (batch,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    train = median_rate(step, batch, steps, repeats)
    model.eval()
    xi = torch.rand(infer_batch, *shape)
    with torch.no_grad():
        infer = median_rate(lambda: torch.softmax(model(xi), dim=1), infer_batch, max(1, steps // 2), repeats)
    return train, infer


def nativecnn_measure(name, batch, infer_batch, steps, repeats):
    dll = os.path.join(ROOT, "bench", "bin", "Release", "net10.0", "NativeCnn.Bench.dll")
    out = subprocess.run(["dotnet", dll, "train-throughput", "--models", name, "--batch", str(batch),
                          "--infer-batch", str(infer_batch), "--steps", str(steps), "--repeats", str(repeats), "--json"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return r["TrainImagesPerSecond"], r["InferenceImagesPerSecond"], r["TrainPeakResidentMiB"], r["PeakResidentMiB"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="seed001-shallow,seed001-deep,seed002,seed004")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--infer-batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"PyTorch {torch.__version__}, {a.threads} threads; batch {a.batch} (train) / {a.infer_batch} (inference); "
          f"medians of {a.repeats} x {a.steps} steps; {time.strftime('%Y-%m-%d')}", flush=True)
    header = f"{'model':<16} {'train img/s':>24} {'ratio':>6} {'inference img/s':>24} {'ratio':>6} {'ours RSS MiB: train / +inference':>34}"
    print(header)
    print(f"{'':<16} {'NativeCnn / PyTorch':>24} {'':>6} {'NativeCnn / PyTorch':>24}")
    for name in a.models.split(","):
        ours_train, ours_infer, train_rss, rss = nativecnn_measure(name, a.batch, a.infer_batch, a.steps, a.repeats)
        torch_train, torch_infer = torch_measure(name, a.batch, a.infer_batch, a.steps, a.repeats)
        print(f"{name:<16} {ours_train:>11.1f} / {torch_train:>10.1f} {ours_train / torch_train:>6.2f} "
              f"{ours_infer:>11.1f} / {torch_infer:>10.1f} {ours_infer / torch_infer:>6.2f} {train_rss:>20.0f} / {rss:>11.0f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
