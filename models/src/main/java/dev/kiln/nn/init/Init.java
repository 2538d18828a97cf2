package dev.kiln.nn.init;

import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.random.Generator;

/**
 * Initialisers as {@code torch.nn.init}, writing into an existing tensor (a parameter). Random
 * values come from a {@link Generator} through {@link HostRandom}, computed on the host in double
 * precision and uploaded: the same seed gives the same model on every backend.
 */
public final class Init {
    private Init() {
    }

    /** Fan in and fan out of a weight: {@code [out, in, k...]} has fan in {@code in * prod(k)}, fan out {@code out * prod(k)}. */
    public record Fans(int in, int out) {
    }

    public static Fans fans(Tensor weight) {
        if (weight.rank() < 2) {
            throw new IllegalArgumentException("fan in and fan out need a weight of rank >= 2 ([out, in, ...]), got "
                    + weight.shape());
        }
        int receptive = 1;
        for (int i = 2; i < weight.rank(); i++) {
            receptive *= weight.dim(i);
        }
        return new Fans(weight.dim(1) * receptive, weight.dim(0) * receptive);
    }

    public static void uniform(Tensor t, double low, double high, Generator generator) {
        float[] u = HostRandom.uniform(generator, t.numel());
        double[] v = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            v[i] = low + (high - low) * u[i];
        }
        write(t, v);
    }

    public static void normal(Tensor t, double mean, double std, Generator generator) {
        float[] z = HostRandom.normal(generator, t.numel());
        double[] v = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            v[i] = mean + std * z[i];
        }
        write(t, v);
    }

    public static void constant(Tensor t, double value) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            t.backend().fill(t.view(), value);
        }
    }

    public static void zeros(Tensor t) {
        constant(t, 0.0);
    }

    public static void ones(Tensor t) {
        constant(t, 1.0);
    }

    /** Glorot uniform: {@code U(-a, a)}, {@code a = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static void xavierUniform(Tensor t, double gain, Generator generator) {
        Fans f = fans(t);
        double a = gain * Math.sqrt(6.0 / (f.in() + f.out()));
        uniform(t, -a, a, generator);
    }

    /** Glorot normal: {@code N(0, std^2)}, {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static void xavierNormal(Tensor t, double gain, Generator generator) {
        Fans f = fans(t);
        normal(t, 0, gain * Math.sqrt(2.0 / (f.in() + f.out())), generator);
    }

    /**
     * He uniform: {@code U(-b, b)}, {@code b = gain * sqrt(3 / fan)}; {@code param} is the leaky
     * relu slope (PyTorch's {@code a}). PyTorch's default layer init is
     * {@code kaimingUniform(w, sqrt(5), FAN_IN, LEAKY_RELU)}, that is {@code b = 1 / sqrt(fanIn)}.
     */
    public static void kaimingUniform(Tensor t, double param, FanMode mode, Nonlinearity nonlinearity, Generator generator) {
        double bound = nonlinearity.gain(param) * Math.sqrt(3.0 / fan(t, mode));
        uniform(t, -bound, bound, generator);
    }

    /** He normal: {@code N(0, std^2)}, {@code std = gain / sqrt(fan)}. */
    public static void kaimingNormal(Tensor t, double param, FanMode mode, Nonlinearity nonlinearity, Generator generator) {
        normal(t, 0, nonlinearity.gain(param) / Math.sqrt(fan(t, mode)), generator);
    }

    private static int fan(Tensor t, FanMode mode) {
        Fans f = fans(t);
        int fan = mode == FanMode.FAN_IN ? f.in() : f.out();
        if (fan == 0) {
            throw new IllegalArgumentException("kaiming init of a weight " + t.shape() + " with zero " + mode);
        }
        return fan;
    }

    /**
     * A (semi-)orthogonal matrix times {@code gain}, as {@code torch.nn.init.orthogonal_}: the
     * weight is viewed as {@code [rows, numel / rows]}, a normal matrix is drawn and its QR
     * factor {@code Q} (signs fixed by {@code R}'s diagonal) is written. Rows are orthonormal when
     * {@code rows <= cols}, columns otherwise. Used for recurrent weights.
     */
    public static void orthogonal(Tensor t, double gain, Generator generator) {
        if (t.rank() < 2) {
            throw new IllegalArgumentException("orthogonal init needs a tensor of rank >= 2, got " + t.shape());
        }
        int rows = t.dim(0);
        int cols = t.numel() / rows;
        float[] z = HostRandom.normal(generator, rows * cols);
        boolean transposed = rows < cols;
        int m = transposed ? cols : rows;
        int n = transposed ? rows : cols;
        double[][] a = new double[m][n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double v = z[i * cols + j];
                if (transposed) {
                    a[j][i] = v;
                } else {
                    a[i][j] = v;
                }
            }
        }
        double[][] q = GramSchmidt.orthonormalColumns(a);
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = gain * (transposed ? q[j][i] : q[i][j]);
            }
        }
        write(t, out);
    }

    /** Uploads {@code values} (row-major, t's shape) into {@code t}, in t's dtype. */
    private static void write(Tensor t, double[] values) {
        try (Autograd.NoGrad ignored = Autograd.noGrad();
             Tensor host = Tensors.on(t.backend()).of(t.dtype(), values, t.shape().toArray())) {
            host.copyInto(t);
        }
    }
}
