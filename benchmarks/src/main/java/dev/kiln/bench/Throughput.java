package dev.kiln.bench;

/** The unit a workload's speed is reported in: one run's work divided by its time, scaled. */
public enum Throughput {
    GFLOPS("GFLOP/s", 1e-9),
    SAMPLES("samples/s", 1),
    STEPS("steps/s", 1),
    /** Op calls a second: the per-op overhead workloads, whose ops do next to no work. */
    OPS("ops/s", 1);

    private final String unit;
    private final double scale;

    Throughput(String unit, double scale) {
        this.unit = unit;
        this.scale = scale;
    }

    public String unit() {
        return unit;
    }

    /** The speed of {@code work} (flops, samples or steps) done in {@code seconds}, in {@link #unit()}. */
    public double of(double work, double seconds) {
        return work / seconds * scale;
    }
}
