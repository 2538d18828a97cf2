"""Reads the lines of one side-by-side run and prints, per workload, Kiln's median and its ratio to each peer.

For rates (GFLOP/s, samples/s, steps/s) the ratio is Kiln / peer (> 1: Kiln faster); for times (ms) it is peer / Kiln,
so that > 1 always means Kiln is faster (likewise for microseconds per call). The OpenCL backend is compared with CLBlast and with the
CPU peers' figures only where the workload names the same op.
"""
import re
import sys

# units of time per call, where lower is faster
TIMES = ("ms", "us")
PATTERN = re.compile(r"^(\S+) (\S+) median ([0-9.]+) min ([0-9.]+) max ([0-9.]+) (\S+)")


def main():
    rows = {}
    for text in open(sys.argv[1]):
        m = PATTERN.match(text)
        if m:
            peer, spec, med, lo, hi, unit = m.groups()
            kind, backend, *size = spec.split(":")
            key = (kind, ":".join(size))
            rows.setdefault(key, []).append((peer, backend, float(med), float(lo), float(hi), unit))
    print(f"{'workload':<20} {'who':<14} {'median':>9} {'min-max':>17}  unit      Kiln/peer (>1 = Kiln faster)")
    for (kind, size), entries in sorted(rows.items()):
        kiln = [e for e in entries if e[0] == "kiln"]
        for peer, backend, med, lo, hi, unit in entries:
            ratios = []
            if peer == "kiln" and backend != "cpu":
                # the performance table asks the other backends for a fraction of Kiln's own CPU backend
                for _, kb, kmed, _, _, kunit in kiln:
                    if kb == "cpu" and kunit == unit and kmed > 0 and med > 0:
                        ratios.append(f"vs kiln-cpu {kmed / med if unit in TIMES else med / kmed:.2f}x")
            if peer != "kiln":
                for _, kb, kmed, _, _, kunit in kiln:
                    if kunit == unit and kmed > 0 and med > 0:
                        r = med / kmed if unit in TIMES else kmed / med
                        ratios.append(f"kiln-{kb} {r:.2f}x")
            name = f"{peer}-{backend}"
            print(f"{kind + ' ' + size:<20} {name:<14} {med:>9.2f} {lo:>8.2f}-{hi:<8.2f}  {unit:<9} {' '.join(ratios)}")


if __name__ == "__main__":
    main()
