"""Golden values for Kiln's sequence layers, computed with PyTorch.

Writes models/src/test/resources/golden/{recurrent,attention,transformer}.json. Each case holds
its configuration, the module's parameters by PyTorch state_dict name, the inputs, the forward
outputs, and the gradients of loss = sum_k sum(output_k * probe_k) (probes are stored too) with
respect to the inputs and every parameter. Values are drawn in float32 and the reference is run
in float64, so the fixtures are exact for float32 inputs. Run: /usr/bin/python3 generate_sequence_golden.py
"""
import json
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "golden")


def tensor_json(t):
    t = t.detach().to(torch.float64)
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def mask_json(m):
    return {"shape": list(m.shape), "data": [bool(v) for v in m.reshape(-1).tolist()]}


def rand(g, *shape):
    return (torch.rand(*shape, generator=g) * 2 - 1).to(torch.float32).to(torch.float64)


def seeded_module(module, g):
    """Replaces every parameter by float32-representable values in [-0.5, 0.5), then runs in float64."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(rand(g, *p.shape) * 0.5)
    return module.double()


def case(module, inputs, outputs, masks, config, g):
    probes = [rand(g, *o.shape) for o in outputs]
    loss = sum((o * w).sum() for o, w in zip(outputs, probes))
    names = [n for n, _ in module.named_parameters()]
    params = [p for _, p in module.named_parameters()]
    leaves = [v for v in inputs.values()]
    grads = torch.autograd.grad(loss, leaves + params)
    return {
        "config": config,
        "params": {n: tensor_json(p) for n, p in module.named_parameters()},
        "inputs": {n: tensor_json(v) for n, v in inputs.items()},
        "masks": {n: mask_json(m) for n, m in masks.items()},
        "outputs": [tensor_json(o) for o in outputs],
        "probes": [tensor_json(w) for w in probes],
        "input_grads": {n: tensor_json(gr) for n, gr in zip(inputs.keys(), grads[:len(leaves)])},
        "param_grads": {n: tensor_json(gr) for n, gr in zip(names, grads[len(leaves):])},
    }


def recurrent_cases(g):
    cases = {}
    for kind, cls, states, batch_first in (("rnn", nn.RNN, 1, False), ("lstm", nn.LSTM, 2, False), ("gru", nn.GRU, 1, True)):
        cfg = {"input_size": 3, "hidden_size": 4, "num_layers": 2, "bidirectional": True, "batch_first": batch_first}
        m = seeded_module(cls(3, 4, num_layers=2, bidirectional=True, batch_first=batch_first), g)
        steps, batch = 5, 2
        x = rand(g, batch, steps, 3) if batch_first else rand(g, steps, batch, 3)
        x.requires_grad_(True)
        inputs = {"x": x, "h0": rand(g, 4, batch, 4).requires_grad_(True)}
        if states == 2:
            inputs["c0"] = rand(g, 4, batch, 4).requires_grad_(True)
            out, (hn, cn) = m(x, (inputs["h0"], inputs["c0"]))
            outputs = [out, hn, cn]
        else:
            out, hn = m(x, inputs["h0"])
            outputs = [out, hn]
        cases[kind] = case(m, inputs, outputs, {}, cfg, g)
    return cases


def attention_cases(g):
    cases = {}
    e, heads, batch = 8, 2, 2
    # cross-attention: distinct query, key and value, some keys padded
    m = seeded_module(nn.MultiheadAttention(e, heads, batch_first=True), g)
    q = rand(g, batch, 4, e).requires_grad_(True)
    k = rand(g, batch, 5, e).requires_grad_(True)
    v = rand(g, batch, 5, e).requires_grad_(True)
    pad = torch.tensor([[False, False, False, True, True], [False, False, False, False, True]])
    out, _ = m(q, k, v, key_padding_mask=pad, need_weights=False)
    cases["cross_padded"] = case(m, {"query": q, "key": k, "value": v}, [out], {"key_padding_mask": pad},
                                 {"embed_dim": e, "num_heads": heads, "batch_first": True, "causal": False}, g)
    # causal self-attention, time-major
    m = seeded_module(nn.MultiheadAttention(e, heads), g)
    x = rand(g, 5, batch, e).requires_grad_(True)
    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    out, _ = m(x, x, x, attn_mask=causal, need_weights=False)
    cases["self_causal"] = case(m, {"x": x}, [out], {},
                                {"embed_dim": e, "num_heads": heads, "batch_first": False, "causal": True}, g)
    # an explicit boolean attention mask that is neither causal nor padding, with padding too
    m = seeded_module(nn.MultiheadAttention(e, heads, batch_first=True), g)
    x = rand(g, batch, 4, e).requires_grad_(True)
    attn = torch.tensor([[False, True, False, True], [False, False, True, True],
                         [True, False, False, False], [False, True, True, False]])
    pad = torch.tensor([[False, False, False, False], [False, False, True, False]])
    out, _ = m(x, x, x, attn_mask=attn, key_padding_mask=pad, need_weights=False)
    cases["self_masked"] = case(m, {"x": x}, [out], {"attn_mask": attn, "key_padding_mask": pad},
                                {"embed_dim": e, "num_heads": heads, "batch_first": True, "causal": False}, g)
    return cases


def transformer_cases(g):
    cases = {}
    d, heads, ff, batch = 8, 2, 16, 2
    for name, activation, norm_first in (("encoder_relu_post", "relu", False), ("encoder_gelu_pre", "gelu", True)):
        m = seeded_module(nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, activation=activation,
                                                     batch_first=True, norm_first=norm_first), g)
        m.train()
        src = rand(g, batch, 5, d).requires_grad_(True)
        pad = torch.tensor([[False, False, False, False, True], [False, False, False, False, False]])
        out = m(src, src_key_padding_mask=pad)
        cases[name] = case(m, {"src": src}, [out], {"src_key_padding_mask": pad},
                           {"d_model": d, "nhead": heads, "dim_feedforward": ff, "activation": activation,
                            "norm_first": norm_first, "batch_first": True}, g)
    for name, activation, norm_first in (("decoder_relu_post", "relu", False), ("decoder_gelu_pre", "gelu", True)):
        m = seeded_module(nn.TransformerDecoderLayer(d, heads, ff, dropout=0.0, activation=activation,
                                                     batch_first=True, norm_first=norm_first), g)
        m.train()
        tgt = rand(g, batch, 4, d).requires_grad_(True)
        memory = rand(g, batch, 6, d).requires_grad_(True)
        causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
        mem_pad = torch.tensor([[False, False, False, False, False, True], [False, False, False, True, True, True]])
        out = m(tgt, memory, tgt_mask=causal, memory_key_padding_mask=mem_pad)
        cases[name] = case(m, {"tgt": tgt, "memory": memory}, [out], {"memory_key_padding_mask": mem_pad},
                           {"d_model": d, "nhead": heads, "dim_feedforward": ff, "activation": activation,
                            "norm_first": norm_first, "batch_first": True, "tgt_causal": True}, g)
    return cases


def write(name, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"generator": "models/golden/generate_sequence_golden.py", "torch": torch.__version__,
                   "cases": cases}, f, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(20240607)
    write("recurrent.json", recurrent_cases(g))
    write("attention.json", attention_cases(g))
    write("transformer.json", transformer_cases(g))


if __name__ == "__main__":
    main()
