package dev.kiln.bench;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.api.spi.params.Conv2dParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * The benchmarked op workloads, shared by the JMH benchmarks, {@link KilnBench} and {@code kiln bench}:
 * each one owns its seeded F32 operands on one backend, runs the op and waits for the device, and
 * knows its flop count. The training steps are their own classes ({@link MlpTrainingStep}, ...).
 */
public final class Workloads {
    private Workloads() {
    }

    /** One op or training step on prepared operands; {@link #run} returns once the device has finished. */
    public interface Workload extends AutoCloseable {
        void run();

        /** How one run is counted: in flops, samples or steps. */
        default Throughput throughput() {
            return Throughput.GFLOPS;
        }

        /** What one run does, in {@link #throughput()}'s units: floating-point operations (multiply-add = 2), samples or steps. */
        double work();

        @Override
        void close();
    }

    public static Backend backend(String spec) {
        return Backends.select(spec);
    }

    /** {@code [n, n] x [n, n]}. */
    public static Workload sgemm(Backend backend, int n) {
        return matmul(backend, n, n, n);
    }

    /** {@code [m, k] x [k, n]}. */
    public static Workload matmul(Backend backend, int m, int n, int k) {
        BufferView a = random(backend, 1, m, k);
        BufferView b = random(backend, 2, k, n);
        BufferView out = random(backend, 3, m, n);
        return new Workload() {
            public void run() {
                backend.matmul(a, b, out);
                backend.synchronize();
            }

            public double work() {
                return 2.0 * m * n * k;
            }

            public void close() {
                release(a, b, out);
            }
        };
    }

    /** A 3 x 3, padding 1 convolution {@code [batch, c, hw, hw] -> [batch, c, hw, hw]} with bias. */
    public static Workload conv2d(Backend backend, int batch, int c, int hw) {
        BufferView x = random(backend, 4, batch, c, hw, hw);
        BufferView w = random(backend, 5, c, c, 3, 3);
        BufferView bias = random(backend, 6, c);
        BufferView out = random(backend, 7, batch, c, hw, hw);
        Conv2dParams p = Conv2dParams.of(1, 1);
        return new Workload() {
            public void run() {
                backend.conv2d(x, w, bias, p, out);
                backend.synchronize();
            }

            public double work() {
                return 2.0 * batch * c * hw * hw * c * 9;
            }

            public void close() {
                release(x, w, bias, out);
            }
        };
    }

    /** Attention forward {@code [1, heads, seq, d]} without mask, not causal. */
    public static Workload attention(Backend backend, int heads, int seq, int d) {
        BufferView q = random(backend, 8, 1, heads, seq, d);
        BufferView k = random(backend, 9, 1, heads, seq, d);
        BufferView v = random(backend, 10, 1, heads, seq, d);
        BufferView out = random(backend, 11, 1, heads, seq, d);
        BufferView lse = random(backend, 12, 1, heads, seq);
        AttentionParams p = AttentionParams.of(d, false);
        return new Workload() {
            public void run() {
                backend.attention(q, k, v, null, p, out, lse);
                backend.synchronize();
            }

            public double work() {
                return 4.0 * heads * seq * (double) seq * d;
            }

            public void close() {
                release(q, k, v, out, lse);
            }
        };
    }

    /**
     * The cost of one op call beyond its work: {@code calls} additions of two 64-element vectors, then
     * one wait for the device when {@code waitEach} is false (what queueing an op costs: the bound on
     * steps made of many small ops), or a wait after every addition when it is true (an op's round trip).
     */
    public static Workload opOverhead(Backend backend, int calls, boolean waitEach) {
        BufferView a = random(backend, 13, 64);
        BufferView b = random(backend, 14, 64);
        BufferView out = random(backend, 15, 64);
        return new Workload() {
            public void run() {
                for (int i = 0; i < calls; i++) {
                    backend.binary(BinaryOp.ADD, a, b, out);
                    if (waitEach) {
                        backend.synchronize();
                    }
                }
                backend.synchronize();
            }

            public Throughput throughput() {
                return Throughput.OPS;
            }

            public double work() {
                return calls;
            }

            public void close() {
                release(a, b, out);
            }
        };
    }

    /** A contiguous F32 tensor of {@code dims} with seeded values in [-1, 1). */
    static BufferView random(Backend backend, long seed, int... dims) {
        Shape shape = Shape.of(dims);
        int n = shape.numel();
        Random r = new Random(seed);
        ByteBuffer host = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            host.putFloat(r.nextFloat() * 2 - 1);
        }
        DeviceBuffer buffer = backend.allocate(DType.F32, n);
        backend.upload(host.flip(), buffer, 0);
        return BufferView.contiguous(buffer, shape);
    }

    private static void release(BufferView... views) {
        for (BufferView v : views) {
            v.buffer().release();
        }
    }
}
