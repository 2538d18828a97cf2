#!/usr/bin/env python3
"""PyTorch golden values for the Kiln conformance suite.

Regenerate (needs PyTorch; CI never runs this, the JSON outputs are committed):

    cd it-tests/golden && /usr/bin/python3 generate_golden.py

It writes one JSON file per op family into ../src/test/resources/golden/. Every file is
{"family": ..., "torch": version, "cases": [{"name", "params": {...}, "tensors": {name: {"shape", "data"}}}]}
with data flattened row-major. Inputs are drawn as float32 values (so an F32 test uploads them
exactly) and every result is computed by PyTorch in float64, written with 17 significant digits.
The seed is fixed: running the script twice gives identical files.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "golden")
gen = torch.Generator().manual_seed(20240611)


def rand(*shape, lo=-1.0, hi=1.0):
    """Uniform float32 values in [lo, hi), returned as float64 (exactly representable in both)."""
    x = torch.rand(*shape, generator=gen, dtype=torch.float32) * (hi - lo) + lo
    return x.double()


def t(x):
    x = x.detach()
    if x.dtype == torch.bool:
        data = [1 if v else 0 for v in x.flatten().tolist()]
    elif x.dtype in (torch.int32, torch.int64):
        data = [int(v) for v in x.flatten().tolist()]
    else:
        data = [float(repr(float(v))) for v in x.double().flatten().tolist()]
    return {"shape": list(x.shape), "data": data}


def case(name, params, **tensors):
    return {"name": name, "params": params, "tensors": {k: t(v) for k, v in tensors.items()}}


def write(family, cases):
    path = os.path.join(OUT_DIR, family + ".json")
    with open(path, "w") as f:
        json.dump({"family": family, "torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


def grads(out, inputs, dy):
    return torch.autograd.grad(out, inputs, dy)


def matmul():
    cases = []
    for m, k, n in [(1, 1, 1), (3, 5, 4), (17, 33, 9), (2, 65, 3)]:
        a, b = rand(m, k), rand(k, n)
        cases.append(case(f"{m}x{k}x{n}", {"transA": False, "transB": False}, a=a, b=b, out=a @ b))
    # transposed operands: the stored arrays are a^T [k, m] and b^T [n, k]; out = a @ b
    at, bt = rand(6, 5), rand(7, 6)
    cases.append(case("transposed a and b", {"transA": True, "transB": True}, a=at, b=bt, out=at.T @ bt.T))
    a, b = rand(2, 3, 4, 5), rand(2, 3, 5, 6)
    cases.append(case("batched 2x3", {"transA": False, "transB": False}, a=a, b=b, out=a @ b))
    write("matmul", cases)


def conv2d():
    cases = []
    configs = [  # n, cin, h, w, cout, kh, kw, stride, pad, dilation, groups
        (1, 1, 5, 5, 1, 3, 3, (1, 1), (0, 0), (1, 1), 1),
        (2, 3, 7, 6, 4, 3, 2, (2, 1), (1, 0), (1, 1), 1),
        (1, 2, 9, 9, 3, 3, 3, (1, 2), (2, 1), (2, 2), 1),
        (2, 4, 6, 5, 6, 3, 3, (1, 1), (1, 1), (1, 1), 2),
        (1, 4, 5, 5, 4, 1, 1, (1, 1), (0, 0), (1, 1), 4),
    ]
    for n, cin, h, w, cout, kh, kw, stride, pad, dil, groups in configs:
        x = rand(n, cin, h, w).requires_grad_()
        wt = rand(cout, cin // groups, kh, kw).requires_grad_()
        bias = rand(cout).requires_grad_()
        out = F.conv2d(x, wt, bias, stride, pad, dil, groups)
        dy = rand(*out.shape)
        dx, dw, db = grads(out, (x, wt, bias), dy)
        params = {"strideH": stride[0], "strideW": stride[1], "padH": pad[0], "padW": pad[1],
                  "dilationH": dil[0], "dilationW": dil[1], "groups": groups}
        name = f"n{n} cin{cin} {h}x{w} cout{cout} k{kh}x{kw} s{stride} p{pad} d{dil} g{groups}"
        cases.append(case(name, params, x=x, weight=wt, bias=bias, out=out, dy=dy, dx=dx, dweight=dw, dbias=db))
    write("conv2d", cases)


def pool():
    cases = []
    for n, c, h, w, k, s, p in [(1, 1, 4, 4, 2, 2, 0), (2, 3, 7, 5, 3, 2, 1), (1, 2, 6, 6, 3, 1, 0), (1, 1, 9, 7, 2, 3, 1)]:
        params = {"kernelH": k, "kernelW": k, "strideH": s, "strideW": s, "padH": p, "padW": p}
        x = rand(n, c, h, w).requires_grad_()
        out, idx = F.max_pool2d(x, k, s, p, return_indices=True)
        dy = rand(*out.shape)
        (dx,) = grads(out, (x,), dy)
        cases.append(case(f"max n{n} c{c} {h}x{w} k{k} s{s} p{p}", dict(params, kind="max"),
                          x=x, out=out, indices=idx.int(), dy=dy, dx=dx))
        for include_pad in ([True, False] if p > 0 else [True]):
            out = F.avg_pool2d(x, k, s, p, count_include_pad=include_pad)
            dy = rand(*out.shape)
            (dx,) = grads(out, (x,), dy)
            cases.append(case(f"avg n{n} c{c} {h}x{w} k{k} s{s} p{p} includePad={include_pad}",
                              dict(params, kind="avg", countIncludePad=include_pad), x=x, out=out, dy=dy, dx=dx))
    write("pool2d", cases)


def softmax():
    cases = []
    for rows, cols in [(1, 1), (3, 7), (5, 33), (2, 65)]:
        x = (rand(rows, cols) * 4).requires_grad_()
        for log in (False, True):
            y = F.log_softmax(x, -1) if log else F.softmax(x, -1)
            dy = rand(rows, cols)
            (dx,) = grads(y, (x,), dy)
            cases.append(case(f"{'log_' if log else ''}softmax {rows}x{cols}", {"log": log}, x=x, y=y, dy=dy, dx=dx))
    write("softmax", cases)


def layer_norm():
    cases = []
    eps = 1e-5
    for rows, cols in [(1, 1), (4, 7), (3, 33)]:
        x = rand(rows, cols).requires_grad_()
        wt = rand(cols, lo=0.5, hi=1.5).requires_grad_()
        bias = rand(cols).requires_grad_()
        out = F.layer_norm(x, (cols,), wt, bias, eps)
        mean = x.mean(-1)
        rstd = 1 / torch.sqrt(x.var(-1, unbiased=False) + eps)
        dy = rand(rows, cols)
        dx, dw, db = grads(out, (x, wt, bias), dy)
        cases.append(case(f"{rows}x{cols}", {"eps": eps}, x=x, weight=wt, bias=bias, out=out, mean=mean, rstd=rstd,
                          dy=dy, dx=dx, dweight=dw, dbias=db))
    write("layer_norm", cases)


def batch_norm():
    cases = []
    eps, momentum = 1e-5, 0.1
    for n, c, s in [(4, 3, 5), (2, 5, 1), (3, 2, 7)]:
        for training in (True, False):
            x = rand(n, c, s).requires_grad_()
            wt = rand(c, lo=0.5, hi=1.5).requires_grad_()
            bias = rand(c).requires_grad_()
            rm0, rv0 = rand(c), rand(c, lo=0.5, hi=2.0)
            rm, rv = rm0.clone(), rv0.clone()
            out = F.batch_norm(x, rm, rv, wt, bias, training, momentum, eps)
            if training:
                save_mean = x.mean((0, 2))
                save_invstd = 1 / torch.sqrt(x.var((0, 2), unbiased=False) + eps)
            else:
                save_mean = rm0
                save_invstd = 1 / torch.sqrt(rv0 + eps)
            dy = rand(n, c, s)
            dx, dw, db = grads(out, (x, wt, bias), dy)
            cases.append(case(f"{'train' if training else 'eval'} n{n} c{c} s{s}",
                              {"training": training, "eps": eps, "momentum": momentum},
                              x=x, weight=wt, bias=bias, runningMeanBefore=rm0, runningVarBefore=rv0,
                              runningMeanAfter=rm, runningVarAfter=rv, out=out, saveMean=save_mean,
                              saveInvStd=save_invstd, dy=dy, dx=dx, dweight=dw, dbias=db))
    write("batch_norm", cases)


def attention():
    """Scaled-dot-product attention written out (this PyTorch predates F.scaled_dot_product_attention)."""
    cases = []
    for b, h, lq, lk, d, dv, causal, padded in [(1, 1, 3, 3, 4, 4, False, False), (2, 2, 5, 5, 8, 6, True, False),
                                                 (2, 1, 4, 6, 5, 5, False, True), (1, 2, 7, 7, 4, 3, True, True)]:
        q, k, v = rand(b, h, lq, d).requires_grad_(), rand(b, h, lk, d).requires_grad_(), rand(b, h, lk, dv).requires_grad_()
        scale = d ** -0.5
        mask = torch.zeros(b, lk, dtype=torch.bool)  # true = ignore this key
        if padded:
            for i in range(b):
                mask[i, lk - 1 - i:] = True
        scores = (q @ k.transpose(-1, -2)) * scale
        ignore = mask[:, None, None, :].expand(b, h, lq, lk)
        if causal:
            ignore = ignore | torch.ones(lq, lk, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(ignore, float("-inf"))
        lse = torch.logsumexp(scores, -1)
        out = torch.softmax(scores, -1) @ v
        dout = rand(b, h, lq, dv)
        dq, dk, dvv = grads(out, (q, k, v), dout)
        cases.append(case(f"b{b} h{h} lq{lq} lk{lk} d{d} dv{dv} causal={causal} padded={padded}",
                          {"scale": scale, "causal": causal, "padded": padded},
                          q=q, k=k, v=v, keyPaddingMask=mask, out=out, logsumexp=lse, dout=dout, dq=dq, dk=dk, dv=dvv))
    write("attention", cases)


def cross_entropy():
    cases = []
    for n, c in [(1, 2), (5, 7), (8, 33)]:
        logits = (rand(n, c) * 3).requires_grad_()
        target = torch.randint(0, c, (n,), generator=gen)
        loss = F.cross_entropy(logits, target)
        (grad,) = grads(loss, (logits,), torch.ones(()))
        cases.append(case(f"n{n} c{c}", {"reduction": "mean"}, logits=logits, target=target.int(), loss=loss, grad=grad))
    write("cross_entropy", cases)


def embedding():
    cases = []
    for vocab, dim, idx in [(5, 3, [0, 4, 2]), (10, 7, [3, 3, 1, 9, 3, 0, 1])]:
        wt = rand(vocab, dim).requires_grad_()
        index = torch.tensor(idx)
        out = F.embedding(index, wt)
        dy = rand(len(idx), dim)
        (dw,) = grads(out, (wt,), dy)
        cases.append(case(f"vocab{vocab} dim{dim} n{len(idx)}", {}, weight=wt, index=index.int(), out=out, dy=dy, dweight=dw))
    write("embedding", cases)


def optimizers():
    """20 steps on 0.5*|A p - b|^2; the gradient fed at each step is stored so a test can replay it exactly."""
    size, steps = 7, 20
    a, target, p0 = rand(size, size), rand(size), rand(size)
    configs = [
        ("sgd plain", torch.optim.SGD, {"lr": 0.1}),
        ("sgd momentum", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
        ("sgd nesterov", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("sgd weight decay", torch.optim.SGD, {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.05}),
        ("adam", torch.optim.Adam, {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8}),
        ("adam l2", torch.optim.Adam, {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
        ("adamw", torch.optim.AdamW, {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.1}),
        ("rmsprop plain", torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
        ("rmsprop momentum", torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.9, "weight_decay": 0.01}),
        ("rmsprop centered", torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.95, "eps": 1e-6, "centered": True, "momentum": 0.5}),
        ("adagrad", torch.optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "eps": 1e-10}),
        ("adadelta", torch.optim.Adadelta, {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.01}),
    ]
    cases = []
    for name, cls, hyper in configs:
        p = p0.clone().requires_grad_()
        opt = cls([p], **hyper)
        grads_seen, trajectory = [], []
        for _ in range(steps):
            opt.zero_grad()
            loss = 0.5 * ((a @ p - target) ** 2).sum()
            loss.backward()
            grads_seen.append(p.grad.detach().clone())
            opt.step()
            trajectory.append(p.detach().clone())
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in hyper.items()}
        params["optimizer"] = cls.__name__
        cases.append(case(name, params, param0=p0, grads=torch.stack(grads_seen), trajectory=torch.stack(trajectory)))
    write("optimizers", cases)


if __name__ == "__main__":
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.set_default_dtype(torch.float64)
    for family in (matmul, conv2d, pool, softmax, layer_norm, batch_norm, attention, cross_entropy, embedding, optimizers):
        family()
