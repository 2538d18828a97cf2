package dev.kiln.opencl.tuning;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.DeviceInfo;
import dev.kiln.opencl.GemmParams;
import dev.kiln.opencl.OpenClBackend;
import dev.kiln.opencl.OpenClMatmul;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Searches the tiled GEMM's parameters on one OpenCL device and prints (or writes) its tuning-table
 * line. Candidates are tried in a seeded random order until the time budget is spent; each is
 * checked against the direct kernel before it is timed, so a wrong configuration can never win.
 * <pre>
 * java ... dev.kiln.opencl.tuning.GemmTuner [--device I] [--size N] [--seconds S] [--write gemm-tuning.txt]
 * </pre>
 */
public final class GemmTuner {
    /** The table's default line for CPU devices, tried first there. */
    private static final String CPU_DEFAULT = "32 128 2 8 32 1 global";
    private final OpenClBackend backend;
    private final int size;
    private final BufferView a;
    private final BufferView b;
    private final BufferView out;
    private final float[] reference;

    private GemmTuner(OpenClBackend backend, int size) {
        this.backend = backend;
        this.size = size;
        Shape s = Shape.of(size, size);
        this.a = BufferView.contiguous(randomMatrix(backend, size, 1), s);
        this.b = BufferView.contiguous(randomMatrix(backend, size, 2), s);
        this.out = BufferView.contiguous(backend.allocate(DType.F32, size * size), s);
        OpenClMatmul.matmulWith(backend, a, b, out, null);
        this.reference = download(out);
    }

    public static void main(String[] args) throws IOException {
        int device = 0;
        int size = 1024;
        double seconds = 120;
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--write" -> write = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: GemmTuner [--device I] [--size N] [--seconds S] [--write FILE]");
            }
        }
        OpenClBackend backend = (OpenClBackend) Backends.select("opencl:" + device);
        DeviceInfo info = Backends.provider("opencl").devices().get(device);
        System.out.println("tuning SGEMM n=" + size + " on " + backend.description() + " for " + seconds + " s");
        GemmTuner tuner = new GemmTuner(backend, size);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        GemmParams best = null;
        double bestGflops = 0;
        for (GemmParams p : candidates(info)) {
            if (System.nanoTime() > deadline) {
                break;
            }
            double gflops = tuner.measure(p);
            System.out.printf("  %-22s %8.2f GFLOP/s%n", p, gflops);
            if (gflops > bestGflops) {
                best = p;
                bestGflops = gflops;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no configuration finished within " + seconds + " s; give the tuner more time");
        }
        String line = info.details().get("vendor") + " | " + info.name() + " | " + best;
        System.out.printf("best: %s  (%.2f GFLOP/s at n=%d)%n%s%n", best, bestGflops, size, line);
        if (write != null) {
            writeEntry(write, info.details().get("vendor") + " | " + info.name() + " |", line);
            System.out.println("wrote " + write);
        }
    }

    /**
     * Every consistent combination that fits the device, in a seeded random order after the shipped
     * default. Both stagings are searched; a CPU device tries global staging first, a GPU local staging.
     */
    static List<GemmParams> candidates(DeviceInfo info) {
        long maxGroup = Long.parseLong(info.details().get("maxWorkGroupSize"));
        long local = Long.parseLong(info.details().get("localMemoryBytes"));
        List<GemmParams> staged = new ArrayList<>();
        for (int tm : new int[]{32, 64, 128}) {
            for (int tn : new int[]{32, 64, 128}) {
                for (int tk : new int[]{8, 16, 32}) {
                    for (int wptm : new int[]{2, 4, 8}) {
                        for (int wptn : new int[]{2, 4, 8}) {
                            for (int vw : new int[]{1, 4}) {
                                GemmParams p = new GemmParams(tm, tn, tk, wptm, wptn, vw, GemmParams.Staging.LOCAL);
                                if (p.fits(maxGroup, local, 4) && p.threads() >= 16) {
                                    staged.add(p);
                                }
                            }
                        }
                    }
                }
            }
        }
        List<GemmParams> direct = new ArrayList<>();
        for (int wptm : new int[]{4, 6, 8, 12}) {
            for (int wptn : new int[]{16, 32, 48, 64}) {
                for (int tk : new int[]{1, 2, 4}) {
                    for (int rtsm : new int[]{1, 2, 4, 8}) {
                        for (int rtsn : new int[]{1, 2, 4, 8}) {
                            GemmParams p = new GemmParams(wptm * rtsm, wptn * rtsn, tk, wptm, wptn, 1, GemmParams.Staging.GLOBAL);
                            if (p.fits(maxGroup, local, 4)) {
                                direct.add(p);
                            }
                        }
                    }
                }
            }
        }
        Collections.shuffle(staged, new Random(7));
        Collections.shuffle(direct, new Random(7));
        List<GemmParams> all = new ArrayList<>();
        boolean cpu = "CPU".equals(info.kind());
        all.addAll(cpu ? direct : staged);
        all.addAll(cpu ? staged : direct);
        GemmParams shipped = GemmParams.parse(cpu ? CPU_DEFAULT : "64 64 16 4 4 4");
        all.remove(shipped);
        all.add(0, shipped);
        return all;
    }

    /** GFLOP/s of one configuration (0 when its result differs from the direct kernel's). */
    private double measure(GemmParams p) {
        OpenClMatmul.matmulWith(backend, a, b, out, p); // builds the program and warms up
        float[] result = download(out);
        for (int i = 0; i < result.length; i++) {
            if (Math.abs(result[i] - reference[i]) > 1e-3f * (1 + Math.abs(reference[i]))) {
                System.out.println("  " + p + " gives a wrong result at element " + i + "; skipped");
                return 0;
            }
        }
        int reps = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            OpenClMatmul.matmulWith(backend, a, b, out, p);
            backend.synchronize();
            reps++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < 300_000_000L && reps < 10);
        return 2.0 * size * size * size * reps / elapsed;
    }

    private float[] download(BufferView v) {
        ByteBuffer host = ByteBuffer.allocate(v.numel() * 4).order(ByteOrder.LITTLE_ENDIAN);
        backend.download(v.buffer(), 0, host);
        float[] f = new float[v.numel()];
        host.asFloatBuffer().get(f);
        return f;
    }

    private static DeviceBuffer randomMatrix(OpenClBackend backend, int n, long seed) {
        Random r = new Random(seed);
        ByteBuffer host = ByteBuffer.allocate(n * n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n * n; i++) {
            host.putFloat(r.nextFloat() * 2 - 1);
        }
        DeviceBuffer buffer = backend.allocate(DType.F32, n * n);
        backend.upload(host.flip(), buffer, 0);
        return buffer;
    }

    /** Replaces the line starting with {@code prefix} in the table, or appends {@code line}. */
    private static void writeEntry(Path table, String prefix, String line) throws IOException {
        List<String> lines = Files.exists(table) ? new ArrayList<>(Files.readAllLines(table, StandardCharsets.UTF_8)) : new ArrayList<>();
        lines.removeIf(l -> l.startsWith(prefix));
        lines.add(line);
        Files.write(table, lines, StandardCharsets.UTF_8);
    }
}
