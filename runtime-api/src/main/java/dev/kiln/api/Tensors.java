package dev.kiln.api;

import dev.kiln.api.ops.RandomOps;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.DeviceBuffer;
import java.nio.ByteBuffer;

/**
 * Creates tensors on one backend: {@code Tensors.on(backend).zeros(F32, 2, 3)}, or on the
 * current default backend with {@link #current()}.
 */
public final class Tensors {
    private final Backend backend;

    private Tensors(Backend backend) {
        this.backend = backend;
    }

    public static Tensors on(Backend backend) {
        return new Tensors(backend);
    }

    /** Tensors on {@link Backends#current()}. */
    public static Tensors current() {
        return new Tensors(Backends.current());
    }

    public Backend backend() {
        return backend;
    }

    /** Uninitialised memory (whatever the cached buffer held). */
    public Tensor empty(DType dtype, int... shape) {
        Shape s = Shape.of(shape);
        DeviceBuffer b = backend.allocate(dtype, s.numel());
        return Tensor.wrap(backend, b, Layout.contiguous(s));
    }

    public Tensor full(DType dtype, double value, int... shape) {
        Tensor t = empty(dtype, shape);
        backend.fill(t.view(), value);
        return t;
    }

    public Tensor zeros(DType dtype, int... shape) {
        return full(dtype, 0.0, shape);
    }

    public Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /** A rank-0 tensor. */
    public Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /** {@code start, start+step, ...} below {@code end}, as PyTorch's {@code arange}. */
    public Tensor arange(DType dtype, double start, double end, double step) {
        String call = "arange(" + start + ", " + end + ", " + step + ")";
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException(call + ": start, end and step must be finite and step must not be 0");
        }
        // the int cast saturates: a step of 0 or a huge range would silently allocate 2^31-1 elements
        double count = Math.max(0, Math.ceil((end - start) / step));
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(call + " has " + (long) count + " elements; Kiln tensors hold at most 2^31-1:"
                    + " use a larger step or a shorter range");
        }
        int n = (int) count;
        Tensor t = empty(dtype, n);
        backend.arange(t.view(), start, step);
        return t;
    }

    public Tensor of(float[] data, int... shape) {
        return upload(DType.F32, HostData.of(data), data.length, shape);
    }

    public Tensor of(double[] data, int... shape) {
        return upload(DType.F64, HostData.of(data), data.length, shape);
    }

    /** An I32 tensor. */
    public Tensor of(int[] data, int... shape) {
        return upload(DType.I32, HostData.of(data), data.length, shape);
    }

    /** An I64 tensor. */
    public Tensor of(long[] data, int... shape) {
        return upload(DType.I64, HostData.of(data), data.length, shape);
    }

    /** A BOOL tensor. */
    public Tensor of(boolean[] data, int... shape) {
        return upload(DType.BOOL, HostData.of(data), data.length, shape);
    }

    /** Values given as doubles, stored as {@code dtype}. */
    public Tensor of(DType dtype, double[] data, int... shape) {
        ByteBuffer b = HostData.allocate(dtype, data.length);
        for (int i = 0; i < data.length; i++) {
            switch (dtype) {
                case F32 -> b.putFloat(i * 4, (float) data[i]);
                case F64 -> b.putDouble(i * 8, data[i]);
                case I32 -> b.putInt(i * 4, (int) data[i]);
                case I64 -> b.putLong(i * 8, (long) data[i]);
                case U8 -> b.put(i, (byte) data[i]);
                case BOOL -> b.put(i, (byte) (data[i] != 0 ? 1 : 0));
            }
        }
        return upload(dtype, b, data.length, shape);
    }

    // ------------------------------------------------------------------ random (see RandomOps for the stream convention)

    /** Uniform in [0, 1) from the Philox stream of {@code seed} at block 0: equal to {@code Philox.uniform} word for word. */
    public Tensor rand(DType dtype, long seed, int... shape) {
        return RandomOps.uniform(backend, dtype, seed, 0, Shape.of(shape));
    }

    /** Uniform in [0, 1) from the generator's next blocks. */
    public Tensor rand(DType dtype, Generator generator, int... shape) {
        Shape s = Shape.of(shape);
        return RandomOps.uniform(backend, dtype, generator.seed(), generator.reserve(s.numel()), s);
    }

    /** Standard normals from the Philox stream of {@code seed} at block 0 ({@code Philox.normalPair} on word pairs). */
    public Tensor randn(DType dtype, long seed, int... shape) {
        return RandomOps.normal(backend, dtype, seed, 0, Shape.of(shape));
    }

    /** Standard normals from the generator's next blocks (one word per element, rounded up to pairs). */
    public Tensor randn(DType dtype, Generator generator, int... shape) {
        Shape s = Shape.of(shape);
        return RandomOps.normal(backend, dtype, generator.seed(), generator.reserve(2L * ((s.numel() + 1) / 2)), s);
    }

    /** Ones with probability {@code p}, else zeros, in {@code dtype}: {@code rand(seed) < p}. */
    public Tensor bernoulli(DType dtype, double p, long seed, int... shape) {
        return RandomOps.bernoulli(backend, dtype, p, seed, 0, Shape.of(shape));
    }

    public Tensor bernoulli(DType dtype, double p, Generator generator, int... shape) {
        Shape s = Shape.of(shape);
        return RandomOps.bernoulli(backend, dtype, p, generator.seed(), generator.reserve(s.numel()), s);
    }

    private Tensor upload(DType dtype, ByteBuffer bytes, int length, int[] shape) {
        Shape s = Shape.of(shape);
        if (s.numel() != length) {
            throw new IllegalArgumentException("tensor of shape " + s + " needs " + s.numel() + " values, got " + length);
        }
        Tensor t = empty(dtype, shape);
        try {
            if (length > 0) {
                backend.upload(bytes, t.buffer(), 0);
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }
}
