"""Reads the lines of one side-by-side run and prints, per workload, Kiln's median and its ratio to each peer.

For rates (GFLOP/s, samples/s, steps/s) the ratio is Kiln / peer (> 1: Kiln faster); for times (ms) it is peer / Kiln,
so that > 1 always means Kiln is faster (likewise for microseconds per call). The OpenCL backend is compared with CLBlast and with the
CPU peers' figures only where the workload names the same op.

A run of several rounds (`# round N` lines) measures each workload once per round. A figure is then the median of its
rounds' medians, with the min-max over all repetitions, and each ratio is followed by the ratios within each round.
"""
import re
import statistics
import sys

# units of time per call, where lower is faster
TIMES = ("ms", "us")
PATTERN = re.compile(r"^(\S+) (\S+) median ([0-9.]+) min ([0-9.]+) max ([0-9.]+) (\S+)")
ROUND = re.compile(r"^# round (\d+)")


def read(path):
    """{(kind, size): {(peer, backend, unit): {round: (median, min, max)}}} in the order the lines came."""
    rows = {}
    current = 1
    for text in open(path):
        r = ROUND.match(text)
        if r:
            current = int(r.group(1))
        m = PATTERN.match(text)
        if m:
            peer, spec, med, lo, hi, unit = m.groups()
            kind, backend, *size = spec.split(":")
            who = rows.setdefault((kind, ":".join(size)), {}).setdefault((peer, backend, unit), {})
            who[current] = (float(med), float(lo), float(hi))
    return rows


def ratio(kiln, other, unit):
    """Kiln's figure over the other one's, turned so that > 1 means Kiln is faster; None where either is missing."""
    if kiln <= 0 or other <= 0:
        return None
    return other / kiln if unit in TIMES else kiln / other


def compare(label, kiln_rounds, other_rounds, unit, kiln_is_numerator=True):
    """'LABEL 1.23x (1.20, 1.26)': the ratio of the pooled medians, then the ratio within each shared round."""
    def pooled(rounds):
        return statistics.median(v[0] for v in rounds.values())
    a, b = (kiln_rounds, other_rounds) if kiln_is_numerator else (other_rounds, kiln_rounds)
    overall = ratio(pooled(a), pooled(b), unit)
    if overall is None:
        return None
    shared = sorted(set(a) & set(b))
    per_round = [ratio(a[r][0], b[r][0], unit) for r in shared]
    text = f"{label} {overall:.2f}x"
    if len(shared) > 1:
        text += " (" + ", ".join(f"{x:.2f}" for x in per_round if x is not None) + ")"
    return text


def main():
    rows = read(sys.argv[1])
    print(f"{'workload':<20} {'who':<14} {'median':>9} {'min-max':>17}  unit      Kiln/peer (>1 = Kiln faster)")
    for (kind, size), entries in sorted(rows.items()):
        kiln = {(b, u): rounds for (p, b, u), rounds in entries.items() if p == "kiln"}
        for (peer, backend, unit), rounds in entries.items():
            ratios = []
            if peer == "kiln" and backend != "cpu" and ("cpu", unit) in kiln:
                # the performance table asks the other backends for a fraction of Kiln's own CPU backend
                ratios.append(compare("vs kiln-cpu", rounds, kiln[("cpu", unit)], unit))
            if peer != "kiln":
                for (kb, kunit), kiln_rounds in kiln.items():
                    if kunit == unit:
                        ratios.append(compare(f"kiln-{kb}", kiln_rounds, rounds, unit))
            med = statistics.median(v[0] for v in rounds.values())
            lo = min(v[1] for v in rounds.values())
            hi = max(v[2] for v in rounds.values())
            name = f"{peer}-{backend}"
            shown = " ".join(r for r in ratios if r)
            print(f"{kind + ' ' + size:<20} {name:<14} {med:>9.2f} {lo:>8.2f}-{hi:<8.2f}  {unit:<9} {shown}")


if __name__ == "__main__":
    main()
