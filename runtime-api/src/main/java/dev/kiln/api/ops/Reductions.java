package dev.kiln.api.ops;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.ReduceOp;
import java.util.Arrays;

/**
 * Sums, means, extrema, arg-extrema and variance over axes, with their gradients. Sums are
 * deterministic (the SPI fixes their order). {@code max} / {@code min} along an axis send the
 * gradient to the first extremal index, the one {@code argmax} / {@code argmin} return;
 * {@code amax} / {@code amin} share it evenly among ties (both as PyTorch).
 */
public final class Reductions {
    private Reductions() {
    }

    public static Tensor sum(Tensor x) {
        return sum(x, allAxes(x.rank()), false);
    }

    public static Tensor sum(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = normalizeAxes("sum", x.shape(), axes);
        Tensor out = reduce(ReduceOp.SUM, x, ax, keepDim, x.dtype());
        Shape kept = keptShape(x.shape(), ax);
        Shape from = x.shape();
        return Autograd.record("sum", out, g -> new Tensor[] {g.reshape(kept.toArray()).expandTo(from)}, x);
    }

    public static Tensor mean(Tensor x) {
        return mean(x, allAxes(x.rank()), false);
    }

    public static Tensor mean(Tensor x, int[] axes, boolean keepDim) {
        Operands.requireFloating("mean", x);
        int[] ax = normalizeAxes("mean", x.shape(), axes);
        int count = reducedCount(x.shape(), ax);
        Tensor out;
        try (Tensor total = reduce(ReduceOp.SUM, x, ax, keepDim, x.dtype())) {
            out = Kernels.binaryWithScalar("mean", BinaryOp.DIV, total, count, false);
        }
        Shape kept = keptShape(x.shape(), ax);
        Shape from = x.shape();
        return Autograd.record("mean", out, g -> new Tensor[] {g.div(count).reshape(kept.toArray()).expandTo(from)}, x);
    }

    /** Largest value along {@code axis}; the gradient goes to the first index of the maximum. */
    public static Tensor max(Tensor x, int axis, boolean keepDim) {
        return extremum(ReduceOp.MAX, x, axis, keepDim);
    }

    /** Smallest value along {@code axis}; the gradient goes to the first index of the minimum. */
    public static Tensor min(Tensor x, int axis, boolean keepDim) {
        return extremum(ReduceOp.MIN, x, axis, keepDim);
    }

    private static Tensor extremum(ReduceOp op, Tensor x, int axis, boolean keepDim) {
        int a = x.shape().normalizeAxis(op.id(), axis);
        requireNonEmpty(op.id(), x, a);
        Tensor out = reduce(op, x, new int[] {a}, keepDim, x.dtype());
        Shape kept = keptShape(x.shape(), new int[] {a});
        return Autograd.record(op.id(), out, g -> {
            Tensor first = op == ReduceOp.MAX ? argmax(x, a, true) : argmin(x, a, true);
            Tensor zeros = Operands.zeros(x.backend(), x.dtype(), x.shape());
            return new Tensor[] {zeros.scatterAdd(a, first, g.reshape(kept.toArray()))};
        }, x);
    }

    /** Index (I64) of the first maximum along {@code axis}. */
    public static Tensor argmax(Tensor x, int axis, boolean keepDim) {
        return firstMaximum("argmax", x, axis, keepDim);
    }

    private static Tensor firstMaximum(String op, Tensor x, int axis, boolean keepDim) {
        int a = x.shape().normalizeAxis(op, axis);
        requireNonEmpty(op, x, a);
        return reduce(ReduceOp.ARGMAX, x, new int[] {a}, keepDim, DType.I64);
    }

    /** Index (I64) of the first minimum along {@code axis}: the first maximum of {@code -x}. */
    public static Tensor argmin(Tensor x, int axis, boolean keepDim) {
        try (Tensor negated = Kernels.unary(dev.kiln.api.spi.UnaryOp.NEG, x)) {
            return firstMaximum("argmin", negated, axis, keepDim);
        }
    }

    /** The largest element; ties share the gradient evenly. */
    public static Tensor amax(Tensor x) {
        return wholeExtremum(ReduceOp.MAX, x);
    }

    /** The smallest element; ties share the gradient evenly. */
    public static Tensor amin(Tensor x) {
        return wholeExtremum(ReduceOp.MIN, x);
    }

    private static Tensor wholeExtremum(ReduceOp op, Tensor x) {
        String name = op == ReduceOp.MAX ? "amax" : "amin";
        if (x.numel() == 0) {
            throw new IllegalArgumentException(name + ": the tensor " + x.shape() + " is empty and has no extremum");
        }
        Tensor out = reduce(op, x, allAxes(x.rank()), false, x.dtype());
        return Autograd.record(name, out, g -> {
            Tensor hits = x.eq(out).to(x.dtype());
            return new Tensor[] {hits.mul(g).div(hits.sum())};
        }, x);
    }

    /** Variance along {@code axis}, dividing by {@code n - 1} when {@code unbiased}, else by {@code n}. */
    public static Tensor var(Tensor x, int axis, boolean keepDim, boolean unbiased) {
        Operands.requireFloating("var", x);
        int a = x.shape().normalizeAxis("var", axis);
        int divisor = x.dim(a) - (unbiased ? 1 : 0);
        Tensor out;
        try (Autograd.NoGrad ignored = Autograd.noGrad();
             Tensor mean = mean(x, new int[] {a}, true);
             Tensor centred = Kernels.binary("var", BinaryOp.SUB, x, mean);
             Tensor squares = Kernels.binary("var", BinaryOp.MUL, centred, centred);
             Tensor total = reduce(ReduceOp.SUM, squares, new int[] {a}, keepDim, x.dtype())) {
            out = Kernels.binaryWithScalar("var", BinaryOp.DIV, total, divisor, false);
        }
        Shape kept = keptShape(x.shape(), new int[] {a});
        return Autograd.record("var", out, g -> {
            Tensor centred = x.sub(x.mean(a, true));
            return new Tensor[] {centred.mul(g.reshape(kept.toArray())).mul(2.0 / divisor)};
        }, x);
    }

    /**
     * Sums {@code x} down to {@code target}, the inverse of broadcasting {@code target} to x's shape:
     * leading extra dimensions and dimensions where {@code target} has size 1 are summed.
     */
    public static Tensor sumTo(Tensor x, Shape target) {
        Shape from = x.shape();
        if (from.equals(target)) {
            return x;
        }
        int extra = from.rank() - target.rank();
        if (extra < 0) {
            throw new ShapeMismatchException("sumTo", from, target, "the target has more dimensions than the tensor");
        }
        int[] axes = new int[from.rank()];
        int n = 0;
        for (int i = 0; i < from.rank(); i++) {
            if (i < extra) {
                axes[n++] = i;
            } else if (target.dim(i - extra) != from.dim(i)) {
                if (target.dim(i - extra) != 1) {
                    throw new ShapeMismatchException("sumTo", from, target, "dimension " + i + " is " + from.dim(i)
                            + " but the target's is " + target.dim(i - extra) + "; it must be equal or 1");
                }
                axes[n++] = i;
            }
        }
        Tensor out = reduceInto(ReduceOp.SUM, x, Arrays.copyOf(axes, n), target, x.dtype());
        return Autograd.record("sumTo", out, g -> new Tensor[] {g.expandTo(from)}, x);
    }

    // ------------------------------------------------------------------ shared with other families

    static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Sorted, distinct, non-negative axes, or an error naming the op and the shape. */
    static int[] normalizeAxes(String op, Shape shape, int[] axes) {
        int[] a = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            a[i] = shape.normalizeAxis(op, axes[i]);
        }
        Arrays.sort(a);
        for (int i = 1; i < a.length; i++) {
            if (a[i] == a[i - 1]) {
                throw new IllegalArgumentException(op + ": axis " + a[i] + " appears twice in " + Arrays.toString(axes)
                        + " for shape " + shape);
            }
        }
        return a;
    }

    static Shape keptShape(Shape shape, int[] axes) {
        int[] d = shape.toArray();
        for (int a : axes) {
            d[a] = 1;
        }
        return Shape.of(d);
    }

    /** An un-recorded reduction over sorted axes into a fresh tensor, keeping or dropping them. */
    static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDim, DType outType) {
        int[] d = new int[x.rank() - (keepDim ? 0 : axes.length)];
        for (int i = 0, j = 0, k = 0; i < x.rank(); i++) {
            boolean reduced = k < axes.length && axes[k] == i;
            if (reduced) {
                k++;
            }
            if (!reduced || keepDim) {
                d[j++] = reduced ? 1 : x.dim(i);
            }
        }
        return reduceInto(op, x, axes, Shape.of(d), outType);
    }

    /** Reduces into a fresh tensor of {@code result}, a shape with the kept-axes shape's element count. */
    private static Tensor reduceInto(ReduceOp op, Tensor x, int[] axes, Shape result, DType outType) {
        Tensor out = Operands.empty(x.backend(), outType, result);
        if (out.numel() == 0) {
            return out;
        }
        if (axes.length == 0) {
            x.backend().copy(x.view(), Operands.viewWithShape(out, x.shape()));
        } else if (x.numel() == 0) {
            x.backend().fill(out.view(), 0);
        } else {
            x.backend().reduce(op, x.view(), axes, Operands.viewWithShape(out, keptShape(x.shape(), axes)));
        }
        return out;
    }

    private static int reducedCount(Shape shape, int[] axes) {
        int n = 1;
        for (int a : axes) {
            n *= shape.dim(a);
        }
        return n;
    }

    private static void requireNonEmpty(String op, Tensor x, int axis) {
        if (x.dim(axis) == 0) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of " + x.shape() + " is empty and has no extremum");
        }
    }
}
