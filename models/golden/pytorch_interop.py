"""PyTorch twins of Kiln's layers, and the round trip of their weights through safetensors.

  python3 models/golden/pytorch_interop.py generate   # PyTorch -> Kiln fixtures
  python3 models/golden/pytorch_interop.py verify     # Kiln -> PyTorch check of the files the Java test wrote

`generate` builds each twin with seeded weights (every parameter redrawn from N(0, 0.3^2), so no
weight is a trivial one or zero), runs seeded inputs through it in evaluation mode and writes, under
models/src/test/resources/dev/kiln/nn/interop/:
  CASE.pytorch.safetensors  the twin's state_dict, as safetensors.torch.save_file writes it
  CASE.io.safetensors       the inputs and PyTorch's outputs (BatchNorm adds a training forward:
                            its output and the running statistics and batch count after it)
PyTorchInteropTest loads each state_dict strictly into the Kiln twin and compares the outputs.

`verify` reads what the Java test writes with -Dkiln.interop.write=true (CASE.kiln.safetensors: the
Kiln twin's model weights, CASE.kiln-out.safetensors: Kiln's outputs on the same inputs), loads the
weights into the PyTorch twin with load_state_dict(strict=True) and compares the outputs within 1e-5.
The files are committed, so the Java tests never run Python. The safetensors format is written and
read here with struct and json, so no third-party package is needed besides torch.
"""
import json
import os
import struct
import sys

import torch
from torch import nn

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "dev", "kiln", "nn",
                   "interop")
TOLERANCE = 1e-5
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64", torch.uint8: "U8",
          torch.bool: "BOOL"}
TORCH_DTYPES = {name: dtype for dtype, name in DTYPES.items()}
# safetensors.torch.save_file orders tensors by its dtype enum (descending), then by name
WRITE_ORDER = {"I64": 5, "F64": 4, "F32": 3, "I32": 2, "U8": 1, "BOOL": 0}


def save(path, tensors):
    names = sorted(tensors, key=lambda n: (-WRITE_ORDER[DTYPES[tensors[n].dtype]], n))
    header = {"__metadata__": {"format": "pt"}}
    data = bytearray()
    for name in names:
        t = tensors[name].detach().contiguous().cpu()
        raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(data))


def load(path):
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = TORCH_DTYPES[info["dtype"]]
        raw = bytearray(blob[8 + length + begin:8 + length + end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = flat.reshape(info["shape"]).clone()
    return out


def causal(n):
    return torch.triu(torch.full((n, n), float("-inf")), diagonal=1)


def padding(batch, length, masked_at_end):
    """BOOL [batch, length], true for keys to ignore: the last `masked_at_end[b]` positions of row b."""
    mask = torch.zeros(batch, length, dtype=torch.bool)
    for b, m in enumerate(masked_at_end):
        if m:
            mask[b, length - m:] = True
    return mask


class Case:
    """A twin: how to build it, its inputs, and its named outputs."""

    def __init__(self, name, build, inputs, run):
        self.name, self.build, self.inputs, self.run = name, build, inputs, run


def batch_norm_case(name, build, shape):
    return Case(name, build, lambda: {"input": torch.randn(*shape) * 2 + 0.5}, lambda m, x: {"output": m(x["input"])})


CASES = [
    Case("linear", lambda: nn.Linear(5, 4), lambda: {"input": torch.randn(3, 5)},
         lambda m, x: {"output": m(x["input"])}),
    Case("conv2d", lambda: nn.Conv2d(3, 4, (3, 2), stride=2, padding=1), lambda: {"input": torch.randn(2, 3, 7, 6)},
         lambda m, x: {"output": m(x["input"])}),
    batch_norm_case("batchnorm1d", lambda: nn.BatchNorm1d(4), (5, 4, 3)),
    batch_norm_case("batchnorm2d", lambda: nn.BatchNorm2d(3), (4, 3, 5, 5)),
    Case("layernorm", lambda: nn.LayerNorm([4, 5]), lambda: {"input": torch.randn(2, 3, 4, 5)},
         lambda m, x: {"output": m(x["input"])}),
    Case("embedding", lambda: nn.Embedding(10, 4), lambda: {"indices": torch.tensor([[0, 9, 3], [3, 1, 7]])},
         lambda m, x: {"output": m(x["indices"])}),
    Case("lstm", lambda: nn.LSTM(5, 6, num_layers=2, bidirectional=True, batch_first=True),
         lambda: {"input": torch.randn(2, 4, 5)},
         lambda m, x: dict(zip(["output", "h_n", "c_n"], (lambda o: (o[0], o[1][0], o[1][1]))(m(x["input"]))))),
    Case("gru", lambda: nn.GRU(5, 6, num_layers=2, bidirectional=True), lambda: {"input": torch.randn(4, 2, 5)},
         lambda m, x: dict(zip(["output", "h_n"], m(x["input"])))),
    Case("multihead_attention", lambda: nn.MultiheadAttention(8, 2, batch_first=True),
         lambda: {"query": torch.randn(2, 3, 8), "key": torch.randn(2, 5, 8), "value": torch.randn(2, 5, 8),
                  "key_padding_mask": padding(2, 5, [0, 2])},
         lambda m, x: {"output": m(x["query"], x["key"], x["value"], key_padding_mask=x["key_padding_mask"],
                                   need_weights=False)[0]}),
    Case("transformer_encoder_layer", lambda: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True),
         lambda: {"src": torch.randn(2, 5, 8)},
         lambda m, x: {"output": m(x["src"], src_mask=causal(5))}),
    Case("transformer_decoder_layer",
         lambda: nn.TransformerDecoderLayer(8, 2, 16, batch_first=True, norm_first=True, activation="gelu"),
         lambda: {"tgt": torch.randn(2, 4, 8), "memory": torch.randn(2, 6, 8), "memory_key_padding_mask": padding(2, 6, [1, 0])},
         lambda m, x: {"output": m(x["tgt"], x["memory"], tgt_mask=causal(4),
                                   memory_key_padding_mask=x["memory_key_padding_mask"])}),
]


def generate():
    os.makedirs(DIR, exist_ok=True)
    for i, case in enumerate(CASES):
        torch.manual_seed(100 + i)
        model = case.build()
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(torch.randn(p.shape) * 0.3)
        inputs = case.inputs()
        io = dict(inputs)
        if isinstance(model, nn.modules.batchnorm._BatchNorm):
            model.train()
            with torch.no_grad():
                for k in range(3):  # non-trivial running statistics, and num_batches_tracked = 3
                    model(inputs["input"] * (k + 1))
        state = {k: v.clone() for k, v in model.state_dict().items()}
        if isinstance(model, nn.modules.batchnorm._BatchNorm):
            model.train()
            with torch.no_grad():
                io["train_output"] = model(inputs["input"])
            for buffer in ("running_mean", "running_var", "num_batches_tracked"):
                io[buffer + "_after"] = getattr(model, buffer).clone()
            # evaluation runs on the saved state, from before that training forward
            model = case.build()
            model.load_state_dict(state, strict=True)
        model.eval()
        with torch.no_grad():
            io.update(case.run(model, inputs))
        save(os.path.join(DIR, case.name + ".pytorch.safetensors"), state)
        save(os.path.join(DIR, case.name + ".io.safetensors"), io)
        print(f"{case.name}: {len(state)} tensors, outputs {sorted(set(io) - set(inputs))}")


def verify():
    failures = 0
    for case in CASES:
        weights = os.path.join(DIR, case.name + ".kiln.safetensors")
        outputs = os.path.join(DIR, case.name + ".kiln-out.safetensors")
        if not os.path.exists(weights):
            print(f"{case.name}: {weights} missing; run the Java test with -Dkiln.interop.write=true first")
            failures += 1
            continue
        model = case.build()
        state = load(weights)
        model.load_state_dict(state, strict=True)
        for name, t in state.items():
            own = model.state_dict()[name]
            if t.dtype != own.dtype:
                raise SystemExit(f"{case.name}: {name} is {DTYPES[t.dtype]} in Kiln's file, PyTorch holds {own.dtype}")
        model.eval()
        inputs = {k: v for k, v in load(os.path.join(DIR, case.name + ".io.safetensors")).items()
                  if k in case.inputs()}
        expected = load(outputs)
        with torch.no_grad():
            got = case.run(model, inputs)
        worst = max((got[k] - expected[k]).abs().max().item() for k in expected)
        ok = set(got) == set(expected) and worst <= TOLERANCE
        failures += not ok
        print(f"{case.name}: Kiln's weights load strictly into PyTorch; outputs {sorted(expected)} max |diff| {worst:.2e}"
              f" {'ok' if ok else 'FAILED (tolerance %g)' % TOLERANCE}")
    if failures:
        raise SystemExit(f"{failures} case(s) failed")


if __name__ == "__main__":
    {"generate": generate, "verify": verify}[sys.argv[1] if len(sys.argv) > 1 else "generate"]()
