#!/usr/bin/env python3
"""PyTorch golden values for Kiln's models module (optimizers, LR schedules, layers).

Regenerate (needs PyTorch; CI never runs this, the JSON outputs are committed):

    cd models/golden && /usr/bin/python3 generate_models_golden.py

Writes ../src/test/resources/golden/models_optimizers.json and models_layers.json. Tensors are
{"shape": [...], "data": [...]} flattened row-major. Inputs are float32 values (so an F32 test
uploads them exactly); results are computed by PyTorch in float64 and written with 17 significant
digits. The seed is fixed, so running the script twice gives identical files.
"""
import json
import math
import os

import torch

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "golden")
gen = torch.Generator().manual_seed(7031)
STEPS = 20


def rand(*shape, lo=-1.0, hi=1.0):
    """Uniform float32 values in [lo, hi) as float64 (exactly representable in both)."""
    return (torch.rand(*shape, generator=gen, dtype=torch.float32) * (hi - lo) + lo).double()


def t(x):
    return {"shape": list(x.shape), "data": [float("%.17g" % v) for v in x.detach().reshape(-1).tolist()]}


# ---------------------------------------------------------------- optimizers and schedules
# The problem: W [3, 4], b [3]; loss = mean((x W^T + b - y)^2) with fixed x [5, 4] and y [5, 3].
X = rand(5, 4)
Y = rand(5, 3)
W0 = rand(3, 4, lo=-0.5, hi=0.5)
B0 = rand(3, lo=-0.5, hi=0.5)

OPTIMIZERS = [
    ("sgd", "SGD", dict(lr=0.1)),
    ("sgd_momentum_dampening_decay", "SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("sgd_nesterov", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("adam_l2", "Adam", dict(lr=0.01, weight_decay=0.01)),
    ("adamw", "AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("rmsprop", "RMSprop", dict(lr=0.01)),
    ("rmsprop_centered_momentum_decay", "RMSprop", dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.01)),
    ("adagrad", "Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01)),
    ("adadelta", "Adadelta", dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.01)),
]

SCHEDULES = [
    ("steplr", "SGD", dict(lr=0.1, momentum=0.9), "StepLR", dict(step_size=5, gamma=0.5)),
    ("multisteplr", "SGD", dict(lr=0.1, momentum=0.9), "MultiStepLR", dict(milestones=[3, 8, 15], gamma=0.3)),
    ("exponentiallr", "SGD", dict(lr=0.1, momentum=0.9), "ExponentialLR", dict(gamma=0.9)),
    ("cosineannealinglr", "Adam", dict(lr=0.05), "CosineAnnealingLR", dict(T_max=10, eta_min=0.001)),
    ("cosineannealingwarmrestarts", "Adam", dict(lr=0.05), "CosineAnnealingWarmRestarts", dict(T_0=4, T_mult=2, eta_min=0.001)),
    ("onecyclelr", "Adam", dict(lr=0.01), "OneCycleLR", dict(max_lr=0.05, total_steps=STEPS, cycle_momentum=False)),
    ("linearwarmup", "SGD", dict(lr=0.1), "LinearLR", dict(start_factor=0.1, end_factor=1.0, total_iters=5)),
]


def trajectory(opt_name, opt_kwargs, sched_name=None, sched_kwargs=None, groups=None):
    w = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    params = groups(w, b) if groups else [w, b]
    opt = getattr(torch.optim, opt_name)(params, **opt_kwargs)
    sched = getattr(torch.optim.lr_scheduler, sched_name)(opt, **sched_kwargs) if sched_name else None
    ws, bs, lrs = [], [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((X @ w.T + b - Y) ** 2).mean()
        loss.backward()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched:
            sched.step()
        ws.append(t(w))
        bs.append(t(b))
    return {"weight": ws, "bias": bs, "lr": lrs}


def optimizer_cases():
    cases = []
    for name, opt, kw in OPTIMIZERS:
        cases.append({"name": name, "optimizer": opt, "options": kw, **trajectory(opt, kw)})
    for name, opt, kw, sched, skw in SCHEDULES:
        cases.append({"name": name, "optimizer": opt, "options": kw, "schedule": sched, "scheduleOptions": skw,
                      **trajectory(opt, kw, sched, skw)})
    # parameter groups: the weight with its own lr and weight decay, the bias with the defaults
    kw = dict(lr=0.01, momentum=0.9)
    groups = lambda w, b: [{"params": [w], "lr": 0.1, "weight_decay": 0.05}, {"params": [b]}]
    cases.append({"name": "sgd_param_groups", "optimizer": "SGD", "options": kw,
                  "groups": [{"lr": 0.1, "weight_decay": 0.05}, {}], **trajectory("SGD", kw, groups=groups)})
    return {"torch": torch.__version__, "steps": STEPS, "x": t(X), "y": t(Y), "weight0": t(W0), "bias0": t(B0),
            "cases": cases}


# ---------------------------------------------------------------- layers: forward and backward
def layer_case(name, module, inputs, state, extra=None):
    """Loads `state` into `module`, runs it on `inputs`, and back-propagates sum(out * probe)."""
    module.double()
    with torch.no_grad():
        for k, v in state.items():
            dict(module.named_parameters()).get(k, dict(module.named_buffers()).get(k)).copy_(v)
    x = inputs.clone().requires_grad_(inputs.is_floating_point())
    out = module(x)
    probe = rand(*out.shape)
    (out * probe).sum().backward()
    case = {"name": name, "input": t(inputs), "state": {k: t(v) for k, v in state.items()}, "output": t(out),
            "probe": t(probe), "grads": {k: t(p.grad) for k, p in module.named_parameters()}}
    if inputs.is_floating_point():
        case["inputGrad"] = t(x.grad)
    case.update(extra(module) if extra else {})
    return case


def layer_cases():
    cases = []
    lin = torch.nn.Linear(5, 3)
    cases.append(layer_case("linear", lin, rand(4, 5), {"weight": rand(3, 5), "bias": rand(3)}))

    conv = torch.nn.Conv2d(4, 6, (3, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
    cases.append(layer_case("conv2d", conv, rand(2, 4, 7, 6), {"weight": rand(6, 2, 3, 3), "bias": rand(3 * 2)},
                            extra=lambda m: {"options": {"stride": [2, 1], "padding": [1, 2], "dilation": [1, 2], "groups": 2}}))

    bn = torch.nn.BatchNorm2d(3, eps=1e-5, momentum=0.1)
    bn_x = rand(4, 3, 5, 5, lo=-2, hi=3)

    def after_training(m):
        m.eval()
        with torch.no_grad():
            evaluated = m(bn_x)
        return {"runningMeanAfter": t(m.running_mean), "runningVarAfter": t(m.running_var), "evalOutput": t(evaluated)}

    cases.append(layer_case("batchnorm2d", bn, bn_x,
                            {"weight": rand(3, lo=0.5, hi=1.5), "bias": rand(3), "running_mean": rand(3),
                             "running_var": rand(3, lo=0.5, hi=2.0)}, extra=after_training))

    ln = torch.nn.LayerNorm([4, 5], eps=1e-5)
    cases.append(layer_case("layernorm", ln, rand(3, 4, 5, lo=-2, hi=2), {"weight": rand(4, 5), "bias": rand(4, 5)}))

    emb = torch.nn.Embedding(10, 4)
    cases.append(layer_case("embedding", emb, torch.tensor([[1, 3, 3], [0, 9, 1]]), {"weight": rand(10, 4)}))
    return {"torch": torch.__version__, "cases": cases}


def write(name, payload):
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, name), "w") as f:
        json.dump(payload, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    write("models_optimizers.json", optimizer_cases())
    write("models_layers.json", layer_cases())
