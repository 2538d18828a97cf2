package dev.kiln.conformance.tensor;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Host references written as plain loops, independent of the code under test. */
final class Naive {
    private Naive() {
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    static int[] broadcastShape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Flat index into a tensor of {@code shape} for the output position {@code idx} (of rank >= shape's), broadcasting. */
    static int sourceIndex(int[] idx, int[] shape) {
        int flat = 0;
        int extra = idx.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            flat = flat * shape[i] + (shape[i] == 1 ? 0 : idx[i + extra]);
        }
        return flat;
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }

    static double[] binary(double[] a, int[] sa, double[] b, int[] sb, DoubleBinaryOperator f) {
        int[] out = broadcastShape(sa, sb);
        double[] r = new double[numel(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, out);
            r[i] = f.applyAsDouble(a[sourceIndex(idx, sa)], b[sourceIndex(idx, sb)]);
        }
        return r;
    }

    static double[] unary(double[] x, DoubleUnaryOperator f) {
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(x[i]);
        }
        return r;
    }

    /** Sum over {@code axis} of {@code x} (row-major, {@code shape}); the result keeps the axis as size 1. */
    static double[] sumAxis(double[] x, int[] shape, int axis) {
        return foldAxis(x, shape, axis, 0, Double::sum);
    }

    static double[] foldAxis(double[] x, int[] shape, int axis, double init, DoubleBinaryOperator f) {
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int n = shape[axis];
        double[] r = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                double acc = init;
                for (int k = 0; k < n; k++) {
                    acc = f.applyAsDouble(acc, x[(o * n + k) * inner + in]);
                }
                r[o * inner + in] = acc;
            }
        }
        return r;
    }

    /** {@code a [m, k] x b [k, n]}, row-major. */
    static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                r[i * n + j] = s;
            }
        }
        return r;
    }

    static double[] range(int n, double start, double step) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = start + i * step;
        }
        return r;
    }

    /** Error function (Abramowitz-Stegun 7.1.26 is too coarse): a Taylor / continued-fraction reference good to 1e-15. */
    static double erf(double x) {
        if (Math.abs(x) < 2.5) {
            double sum = 0;
            double term = x;
            for (int n = 0; n < 200; n++) {
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
                term *= -x * x / (n + 1);
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc continued fraction (Lentz), accurate for |x| >= 2.5
        double ax = Math.abs(x);
        double f = ax;
        double c = ax;
        double d = 0;
        for (int n = 1; n < 300; n++) {
            double an = n / 2.0;
            d = ax + an * d;
            d = 1 / d;
            c = ax + an / c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.signum(x) * (1 - erfc);
    }
}
