"""The peers' side of the side-by-side run: the Kiln workloads with numpy (OpenBLAS) and PyTorch.

Prints one line per workload, `PEER WORKLOAD median M min A max B UNIT`, the format of KilnBench.
Usage: python3 peers.py numpy|torch REPS WARMUP WORKLOAD... (WORKLOAD as KilnBench names them,
with the backend part naming the peer's device: sgemm:cpu:N, mlp:cpu, conv2d:cpu, attention:cpu,
train-mlp:cpu, train-lenet:cpu, train-transformer:cpu, op-overhead:cpu, op-latency:cpu).

The training steps are the twins of Kiln's MlpTrainingStep, LeNetTrainingStep and
TransformerTrainingStep: the same models, loss and Adam (lr 1e-3) on one fixed batch, so a step is
forward, backward and the optimizer update, without data loading.

Every peer is measured the way KilnBench measures Kiln (dev.kiln.bench.Measurement): at least WARMUP
calls and MIN_WARMUP_SECONDS of warm-up, then windows of WINDOW_SECONDS until one is no more than 5%
faster than the best before (the rate has settled), then REPS repetitions, each of as many calls as
fill REP_SECONDS, reported per call.

Threads: the machine's 2 cores, one pool at a time. PyTorch runs its own OpenMP pool and calls
OpenBLAS, which has a pthread pool of its own; with both at 2 threads, OpenMP threads spin between
parallel regions while OpenBLAS's threads wait for the same cores (on an idle 2-core machine one
MLP training step rate varied 3.4k-11.7k samples/s that way, 11.7k-20.7k with OpenBLAS at 1 thread).
So for each workload the torch peer tries (torch threads, OpenBLAS threads) = (2, 1): one OpenMP pool
and OpenBLAS inside it; (1, 2): OpenBLAS's pool alone, best for a single large product; and (2, 2),
then measures with whichever ran fastest in a short trial, and names it on its line. numpy has only
OpenBLAS's pool (2 threads, set by run.sh).
"""
import ctypes
import math
import resource
import sys
import time

import numpy as np


MIN_WARMUP_SECONDS = 1.5
WINDOW_SECONDS = 0.25
SETTLE_LIMIT_SECONDS = 30.0
REP_SECONDS = 0.5
STILL_CLIMBING = 1.05


def window_rate(fn):
    """Calls per second over one window of at least WINDOW_SECONDS."""
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < WINDOW_SECONDS:
        fn()
        calls += 1
    return calls / (time.perf_counter() - start)


def settle(fn, limit_seconds):
    """Runs windows until one is no more than 5% faster than the best before; returns the settled rate."""
    deadline = time.perf_counter() + limit_seconds
    best = 0.0
    while True:
        rate = window_rate(fn)
        if (best > 0 and rate <= best * STILL_CLIMBING) or time.perf_counter() > deadline:
            return max(best, rate)
        best = max(best, rate)


def timed(fn, reps, warmup):
    """Seconds per call of each of REPS repetitions (sorted), after warm-up, as KilnBench measures Kiln."""
    end = time.perf_counter() + MIN_WARMUP_SECONDS
    done = 0
    while done < warmup or time.perf_counter() < end:
        fn()
        done += 1
    calls = max(1, math.ceil(REP_SECONDS * settle(fn, SETTLE_LIMIT_SECONDS)))
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        out.append((time.perf_counter() - t0) / calls)
    return sorted(out)


def torch_timed(fn, reps, warmup):
    """timed() under the fastest thread choice, and the tag naming it."""
    fn()
    choice = fastest_threads(fn)
    return timed(fn, reps, warmup), threads_tag(choice)


def openblas():
    """The OpenBLAS this process loaded (through libblas.so.3), or None where the BLAS is another one."""
    try:
        lib = ctypes.CDLL("libblas.so.3")
        return lib if hasattr(lib, "openblas_set_num_threads") else None
    except OSError:
        return None


# (torch intra-op threads, OpenBLAS threads): see the module comment
THREAD_CHOICES = [(2, 1), (1, 2), (2, 2)]


def fastest_threads(fn):
    """Sets and returns the thread choice under which fn ran fastest in a short trial (after one warm-up window each)."""
    import torch
    blas = openblas()
    choices = THREAD_CHOICES if blas else [(t, None) for t in sorted({t for t, _ in THREAD_CHOICES})]
    rates = {}
    for choice in choices:
        use_threads(torch, blas, choice)
        window_rate(fn)
        rates[choice] = window_rate(fn)
    best = max(rates, key=rates.get)
    use_threads(torch, blas, best)
    return best


def use_threads(torch, blas, choice):
    torch.set_num_threads(choice[0])
    if blas:
        blas.openblas_set_num_threads(choice[1])


def threads_tag(choice):
    return f" threads torch={choice[0]} blas={choice[1] if choice[1] else 'default'}"


def line(peer, spec, values, unit, extra=""):
    v = sorted(values)
    print(f"{peer} {spec} median {v[len(v) // 2]:.2f} min {v[0]:.2f} max {v[-1]:.2f} {unit}{extra}", flush=True)


def rate(flops, seconds):
    return [flops / s * 1e-9 for s in seconds]


def numpy_workload(spec, reps, warmup):
    kind, _, *size = spec.split(":")
    rng = np.random.default_rng(1)
    if kind == "sgemm":
        n = int(size[0])
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        line("numpy", spec, rate(2.0 * n ** 3, timed(lambda: a @ b, reps, warmup)), "GFLOP/s")
    elif kind == "mlp":
        a = rng.random((64, 784), dtype=np.float32)
        b = rng.random((784, 128), dtype=np.float32)
        line("numpy", spec, rate(2.0 * 64 * 784 * 128, timed(lambda: a @ b, reps, warmup)), "GFLOP/s")
    else:
        print(f"numpy {spec} skipped (no such op in numpy)", flush=True)


def torch_workload(spec, reps, warmup):
    import torch
    import torch.nn.functional as F
    torch.manual_seed(1)
    kind, _, *size = spec.split(":")
    if kind.startswith("train-"):
        torch_training(spec, reps, warmup)
        return
    with torch.no_grad():
        if kind == "sgemm":
            n = int(size[0])
            a, b = torch.rand(n, n), torch.rand(n, n)
            seconds, tag = torch_timed(lambda: a @ b, reps, warmup)
            line("torch", spec, rate(2.0 * n ** 3, seconds), "GFLOP/s", tag)
        elif kind == "mlp":
            a, b = torch.rand(64, 784), torch.rand(784, 128)
            seconds, tag = torch_timed(lambda: a @ b, reps, warmup)
            line("torch", spec, rate(2.0 * 64 * 784 * 128, seconds), "GFLOP/s", tag)
        elif kind == "conv2d":
            x, w, bias = torch.rand(32, 64, 32, 32), torch.rand(64, 64, 3, 3), torch.rand(64)
            seconds, tag = torch_timed(lambda: F.conv2d(x, w, bias, padding=1), reps, warmup)
            line("torch", spec, [s * 1e3 for s in seconds], "ms", tag)
        elif kind == "attention":
            q, k, v = (torch.rand(1, 8, 4096, 64) for _ in range(3))

            def attention():
                # PyTorch 1.13 has no fused SDPA: the scores are materialised, as users write it
                s = torch.softmax(q @ k.transpose(-1, -2) / 8.0, dim=-1)
                return s @ v

            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            attention()
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024.0
            seconds, tag = torch_timed(attention, reps, warmup)
            line("torch", spec, [s * 1e3 for s in seconds], "ms", f" peak-RSS-growth-MiB {grown:.1f}{tag}")
        elif kind in ("op-overhead", "op-latency"):
            # PyTorch's CPU ops run when called, so queueing and round trip are the same thing here
            a, b, out = torch.rand(64), torch.rand(64), torch.empty(64)
            calls = 1000

            def adds():
                for _ in range(calls):
                    torch.add(a, b, out=out)

            seconds, tag = torch_timed(adds, reps, warmup)
            line("torch", spec, [s / calls * 1e6 for s in seconds], "us", tag)


def CausalEncoder(nn):
    """Two PyTorch-default encoder layers (post-norm, ReLU, dropout 0.1), d 128, 4 heads, ff 512, with a causal mask."""
    import torch

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            layer = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.1, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.register_buffer("causal", torch.triu(torch.full((64, 64), float("-inf")), diagonal=1))

        def forward(self, src):
            return self.encoder(src, mask=self.causal)

    return Encoder()


def training_step(spec):
    """The model, its fixed batch, the loss and the unit of a train-* workload, as Kiln's twins build them."""
    import torch
    from torch import nn
    kind = spec.split(":")[0]
    if kind == "train-mlp":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2),
                              nn.Linear(128, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
        x, target, loss, per_step = torch.rand(64, 784), torch.randint(0, 10, (64,)), nn.CrossEntropyLoss(), 64
    elif kind == "train-lenet":
        model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.MaxPool2d(2),
                              nn.Conv2d(6, 16, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(400, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))
        x, target, loss, per_step = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,)), nn.CrossEntropyLoss(), 64
    else:
        model = CausalEncoder(nn)
        x, target, loss, per_step = torch.randn(32, 64, 128), torch.randn(32, 64, 128), nn.MSELoss(), 1
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss(model(x), target).backward()
        optimizer.step()

    return step, per_step, "samples/s" if per_step > 1 else "steps/s"


def torch_training(spec, reps, warmup):
    step, per_step, unit = training_step(spec)
    seconds, tag = torch_timed(step, reps, warmup)
    line("torch", spec, [per_step / s for s in seconds], unit, tag)


def main():
    peer, reps, warmup, specs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    for spec in specs:
        (numpy_workload if peer == "numpy" else torch_workload)(spec, reps, warmup)


if __name__ == "__main__":
    main()
