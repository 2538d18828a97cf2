"""PyTorch reference for Kiln's LeNet test (ReferenceLeNetTest): the same module, data, split and recipe.

The 8,000 bundled digits, pixels standardised with (x - 0.1307) / 0.3081; the 1,000 validation
examples are the first 1,000 of Kiln's split permutation for seed 20240611, written one per line by

    new dev.kiln.nn.data.RandomStream(20240611L, -2, 0).permutation(8000)   // (Split.random's stream)

Adam lr 1e-3, batch 64, 5 epochs, reshuffled each epoch; validation accuracy per epoch per seed.
Measured (torch 1.13, CPU): tanh 96.2-96.5% over seeds 0-4; ReLU 92.6-96.2%; ReLU with raw pixels
92.6-95.5%.

    python3 models/reference/lenet_pytorch.py VALIDATION_INDICES    (from the repository root)
    [--act relu] [--raw] [--seeds 0,1,2,3,4]
"""
import argparse
import gzip

import numpy as np
import torch
import torch.nn as nn

DIGITS = 'models/src/main/resources/dev/kiln/datasets/mnist/'


def idx(name, offset):
    with gzip.open(DIGITS + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def lenet(act):
    a = {'tanh': nn.Tanh, 'relu': nn.ReLU}[act]
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), a(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), a(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(400, 120), a(), nn.Linear(120, 84), a(), nn.Linear(84, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('validation_indices')
    p.add_argument('--act', default='tanh')
    p.add_argument('--raw', action='store_true', help='pixels in [0, 1], not standardised')
    p.add_argument('--seeds', default='0,1,2,3,4')
    args = p.parse_args()
    x = idx('digits8k-images-idx3-ubyte.gz', 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    y = idx('digits8k-labels-idx1-ubyte.gz', 8).astype(np.int64)
    if not args.raw:
        x = (x - 0.1307) / 0.3081
    val = np.sort(np.loadtxt(args.validation_indices, dtype=np.int64))
    train = np.setdiff1d(np.arange(len(x)), val)
    xt, yt, xv, yv = map(torch.from_numpy, (x[train], y[train], x[val], y[val]))
    finals = []
    for seed in map(int, args.seeds.split(',')):
        torch.manual_seed(seed)
        model = lenet(args.act)
        adam = torch.optim.Adam(model.parameters(), 1e-3)
        accuracies = []
        for _ in range(5):
            model.train()
            order = torch.randperm(len(xt))
            for i in range(0, len(xt), 64):
                b = order[i:i + 64]
                loss = nn.functional.cross_entropy(model(xt[b]), yt[b])
                adam.zero_grad()
                loss.backward()
                adam.step()
            model.eval()
            with torch.no_grad():
                accuracies.append((model(xv).argmax(1) == yv).float().mean().item())
        finals.append(accuracies[-1])
        print('seed', seed, ' '.join('%.3f' % a for a in accuracies), flush=True)
    print('%s, %s pixels: final validation accuracy %.3f-%.3f' % (args.act, 'raw' if args.raw else 'standardised',
                                                                  min(finals), max(finals)))


if __name__ == '__main__':
    main()
