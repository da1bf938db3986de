#!/usr/bin/python3
"""NativeCnn vs PyTorch, side by side in one run: training and inference images/s of the FER models, and (on a GPU)
SGEMM against torch.mm.

Builds each architecture from models/<name>.json in PyTorch with the same Keras semantics (BatchNormalization
momentum 0.99 -> torch momentum 0.01, eps 1e-3; 'same'/'valid' padding; Adam lr 1e-3, eps 1e-7; fused softmax
cross-entropy), runs PyTorch and NativeCnn's `train-throughput` bench model by model in one run, and prints one table
of medians and ratios. Both sides use the same batch sizes and random inputs.

--device cpu (default): both on the CPU with the same thread count (default: all cores), training at batch 64 and
    inference at 256, the four seed models; NativeCnn's resident memory is reported too.
--device cuda: PyTorch on CUDA with TF32 off (float32 matmuls and convolutions) and cudnn.benchmark on, NativeCnn on
    --device cuda; training at batch 64 and 256 and inference at 256 for seed001-shallow, seed001-deep, seed002,
    seed004 and nativecnn-vgg, then SGEMM 1024-8192 (NativeCnn's `gemm-sweep --variants plan`) against torch.mm.

Usage (Debian: apt-get install python3-torch libopenblas0-pthread; a CUDA build of PyTorch for --device cuda):
    dotnet build -c Release bench && /usr/bin/python3 bench/compare_pytorch.py [--device cuda] [--models a,b] [--threads 2]
From the portable bundle (no SDK): python3 bench/compare_pytorch.py --bench nativecnn-bundle/bench/NativeCnn.Bench ...
--json FILE also writes every measurement as JSON lines.
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
DEFAULT_BENCH = os.path.join(ROOT, "bench", "bin", "Release", "net10.0", "NativeCnn.Bench.dll")


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


def median_rate(step, images, steps, repeats, sync):
    for _ in range(3):
        step()
    sync()
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(steps):
            step()
        sync()
        rates.append(images * steps / (time.perf_counter() - t))
    return statistics.median(rates)


def torch_measure(name, batches, infer_batch, steps, repeats, device):
    """{batch: training images/s}, inference images/s."""
    with open(os.path.join(ROOT, "models", name + ".json")) as f:
        model, shape, classes = build(json.load(f))
    torch.manual_seed(1)
    model = model.to(device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    train = {}
    for batch in batches:
        x = torch.rand(batch, *shape, device=device)
        y = torch.randint(0, classes, (batch,), device=device)
        model.train()

        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x), y).backward()
            opt.step()

        train[batch] = median_rate(step, batch, steps, repeats, sync)
    model.eval()
    xi = torch.rand(infer_batch, *shape, device=device)
    with torch.no_grad():
        infer = median_rate(lambda: torch.softmax(model(xi), dim=1), infer_batch, max(1, steps // 2), repeats, sync)
    return train, infer


def bench_command(bench):
    return ["dotnet", bench] if bench.endswith(".dll") else [bench]


def nativecnn_measure(bench, name, batches, infer_batch, steps, repeats, device):
    """{batch: (training images/s, train RSS MiB)}, inference images/s, peak RSS MiB."""
    out = subprocess.run(bench_command(bench) + ["train-throughput", "--models", name, "--batch", ",".join(map(str, batches)),
                          "--infer-batch", str(infer_batch), "--steps", str(steps), "--repeats", str(repeats), "--device", device, "--json"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.strip().splitlines() if line.startswith("{")]
    train = {r["TrainBatch"]: (r["TrainImagesPerSecond"], r["TrainPeakResidentMiB"]) for r in rows}
    return train, rows[-1]["InferenceImagesPerSecond"], rows[-1]["PeakResidentMiB"], rows[-1].get("Device", device)


def torch_sgemm(n, repeats, device):
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    a = torch.rand(n, n, device=device) - 0.5
    b = torch.rand(n, n, device=device) - 0.5
    torch.mm(a, b)
    sync()
    t = time.perf_counter()
    torch.mm(a, b)
    sync()
    calls = max(3, int(0.05 / max(time.perf_counter() - t, 1e-6)))
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            torch.mm(a, b)
        sync()
        times.append((time.perf_counter() - t) / calls)
    return 2.0 * n ** 3 / statistics.median(times) / 1e12


def nativecnn_sgemm(bench, sizes, repeats, device):
    out = subprocess.run(bench_command(bench) + ["gemm-sweep", "--device", device, "--variants", "plan", "--models", "", "--sizes",
                          ",".join(map(str, sizes)), "--repeats", str(repeats), "--json"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.strip().splitlines() if line.startswith("{")]
    return {int(r["shape"].split("x")[0]): (r["gflops"] / 1000, r["plan"]) for r in rows}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--models", default=None, help="default: the four seeds on the CPU, and nativecnn-vgg too on CUDA")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="CPU threads of both sides (--device cpu)")
    ap.add_argument("--batch", default=None, help="training batch sizes, comma-separated (default 64 on the CPU, 64,256 on CUDA)")
    ap.add_argument("--infer-batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--sgemm", default=None, help="SGEMM sizes against torch.mm (default 1024,2048,4096,8192 on CUDA, none on the CPU)")
    ap.add_argument("--bench", default=DEFAULT_BENCH, help="NativeCnn.Bench.dll, or the bundle's bench/NativeCnn.Bench executable")
    ap.add_argument("--nativecnn-device", default=None,
                    help="NativeCnn's --device (default: --device); e.g. --device cpu --nativecnn-device ilgpu-cpu checks this script's GPU path on a CPU")
    ap.add_argument("--json", default=None, help="also write every measurement to this file as JSON lines")
    a = ap.parse_args()
    cuda = a.device == "cuda"
    ours_device = a.nativecnn_device or a.device
    gpu_side = ours_device != "cpu" and not ours_device.startswith("cpu:")
    models = (a.models or ("seed001-shallow,seed001-deep,seed002,seed004" + (",nativecnn-vgg" if cuda else ""))).split(",")
    batches = [int(b) for b in (a.batch or ("64,256" if cuda else "64")).split(",")]
    sgemm = [int(s) for s in (a.sgemm if a.sgemm is not None else ("1024,2048,4096,8192" if cuda else "")).split(",") if s]
    if sgemm and not gpu_side:
        sys.exit("--sgemm compares the GPU device's GEMM (gemm-sweep); NativeCnn's CPU SGEMM is bench -- gemm-quick")
    records = []
    if cuda:
        if not torch.cuda.is_available():
            sys.exit("--device cuda: this PyTorch has no CUDA device")
        # float32 everywhere: TF32 would round the inputs of matmuls and convolutions to 10 mantissa bits.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
        where = f"PyTorch {torch.__version__} + cuDNN {torch.backends.cudnn.version()} on {torch.cuda.get_device_name(0)} (TF32 off, cudnn.benchmark on)"
    else:
        torch.set_num_threads(a.threads)
        where = f"PyTorch {torch.__version__}, {a.threads} threads"
    print(f"{where}; training batch {','.join(map(str, batches))}, inference batch {a.infer_batch}; "
          f"medians of {a.repeats} x {a.steps} steps; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    print(f"{'model':<16} {'batch':>5} {'train img/s NativeCnn / PyTorch':>32} {'ratio':>6} {'inference img/s NativeCnn / PyTorch':>36} {'ratio':>6}"
          + ("" if cuda else f" {'ours RSS MiB: train / +inference':>34}"))
    for name in models:
        ours_train, ours_infer, rss, device_name = nativecnn_measure(a.bench, name, batches, a.infer_batch, a.steps, a.repeats, ours_device)
        torch_train, torch_infer = torch_measure(name, batches, a.infer_batch, a.steps, a.repeats, a.device)
        for batch in batches:
            ours, train_rss = ours_train[batch]
            print(f"{name:<16} {batch:>5} {ours:>15.1f} / {torch_train[batch]:>14.1f} {ours / torch_train[batch]:>6.2f} "
                  f"{ours_infer:>17.1f} / {torch_infer:>16.1f} {ours_infer / torch_infer:>6.2f}"
                  + ("" if cuda else f" {train_rss:>20.0f} / {rss:>11.0f}"), flush=True)
            records.append({"kind": "model", "model": name, "batch": batch, "nativecnn_train": ours, "pytorch_train": torch_train[batch],
                            "infer_batch": a.infer_batch, "nativecnn_infer": ours_infer, "pytorch_infer": torch_infer,
                            "nativecnn_device": device_name, "pytorch": where})
    if sgemm:
        ours = nativecnn_sgemm(a.bench, sgemm, a.repeats, ours_device)
        print(f"\n{'SGEMM n^3':<10} {'NativeCnn TFLOP/s':>18} {'torch.mm TFLOP/s':>17} {'ratio':>6}  NativeCnn tile")
        for n in sgemm:
            theirs = torch_sgemm(n, a.repeats, a.device)
            print(f"{n:<10} {ours[n][0]:>18.2f} {theirs:>17.2f} {ours[n][0] / theirs:>6.2f}  {ours[n][1]}", flush=True)
            records.append({"kind": "sgemm", "n": n, "nativecnn_tflops": ours[n][0], "torch_tflops": theirs, "nativecnn_plan": ours[n][1]})
    if a.json:
        with open(a.json, "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    sys.exit(main())
