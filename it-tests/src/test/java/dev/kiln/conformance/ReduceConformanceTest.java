package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.conformance.Views.Kind;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** reduce (sum, max, min over axes; argmax over one axis) against a naive loop, on strided and transposed inputs. */
@ExtendWith(ConformanceExtension.class)
class ReduceConformanceTest {
    private static final int[][] SHAPES = {{1}, {65}, {3, 17}, {3, 17, 5}, {2, 1, 33}};

    static Stream<Arguments> cases() {
        return Targets.floating().flatMap(t -> Stream.of(ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN).map(op -> Arguments.of(t, op)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void reduceOverAxes(Target target, ReduceOp op) {
        Case c = Case.start(target, Op.REDUCE);
        long seed = 500 + op.ordinal();
        for (int[] shape : SHAPES) {
            for (int[] axes : axisSets(shape.length)) {
                for (Kind kind : shape.length >= 2 ? Kind.values() : new Kind[] {Kind.CONTIGUOUS, Kind.OFFSET, Kind.STRIDED}) {
                    double[] x = c.rounded(Inputs.uniform(seed++, Inputs.numel(shape), -2, 2));
                    int[] outShape = reducedShape(shape, axes);
                    Tensor out = c.tensors().empty(c.dtype(), outShape);
                    c.backend().reduce(op, Views.of(c, kind, x, shape).view(), axes, out.view());
                    int length = Inputs.numel(shape) / Math.max(1, Inputs.numel(outShape));
                    c.check(op + " " + Arrays.toString(shape) + " axes " + Arrays.toString(axes) + " " + kind,
                            c.rounded(reference(op, x, shape, axes)), out,
                            op == ReduceOp.SUM ? Tolerance.reduction(c.dtype(), length) : Tolerance.EXACT);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void sumOverAnEmptyAxisIsZero(Target target) {
        Case c = Case.start(target, Op.REDUCE);
        Tensor out = c.tensors().full(c.dtype(), 7, 3, 1);
        c.backend().reduce(ReduceOp.SUM, c.tensors().empty(c.dtype(), 3, 0).view(), new int[] {1}, out.view());
        c.check("sum of [3, 0] over axis 1", new double[3], out, Tolerance.EXACT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void argmaxTakesTheFirstMaximum(Target target) {
        Case c = Case.start(target, Op.REDUCE);
        int[] shape = {4, 17, 3};
        double[] x = Arrays.stream(Inputs.uniform(41, Inputs.numel(shape), -3, 3)).map(v -> Math.round(v)).toArray(); // many ties
        for (int axis = 0; axis < 3; axis++) {
            for (Kind kind : Kind.values()) {
                int[] outShape = reducedShape(shape, new int[] {axis});
                Tensor out = c.tensors().zeros(DType.I64, outShape);
                c.backend().reduce(ReduceOp.ARGMAX, Views.of(c, kind, x, shape).view(), new int[] {axis}, out.view());
                double[] expected = reference(ReduceOp.ARGMAX, x, shape, new int[] {axis});
                c.checkExact("argmax axis " + axis + " " + kind, Arrays.stream(expected).mapToLong(v -> (long) v).toArray(), out.toLongArray());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void sumsAreBitIdenticalFromRunToRun(Target target) {
        Case c = Case.start(target, Op.REDUCE);
        int[] shape = {3, 100_003, 2};
        double[] x = Inputs.uniform(4100, Inputs.numel(shape), -1, 1);
        for (int[] axes : new int[][] {{1}, {0, 1, 2}}) {
            double[] first = sum(c, x, shape, axes);
            double[] second = sum(c, x, shape, axes);
            c.check("sum over axes " + Arrays.toString(axes) + " run twice", first, second, Tolerance.EXACT);
            c.check("sum over axes " + Arrays.toString(axes), c.rounded(reference(ReduceOp.SUM, c.rounded(x), shape, axes)),
                    first, Tolerance.reduction(c.dtype(), shape[1]));
        }
    }

    private static double[] sum(Case c, double[] x, int[] shape, int[] axes) {
        Tensor out = c.tensors().empty(c.dtype(), reducedShape(shape, axes));
        c.backend().reduce(ReduceOp.SUM, c.tensor(x, shape).view(), axes, out.view());
        return out.toDoubleArray();
    }

    private static int[][] axisSets(int rank) {
        return switch (rank) {
            case 1 -> new int[][] {{0}};
            case 2 -> new int[][] {{0}, {1}, {0, 1}};
            default -> new int[][] {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}};
        };
    }

    static int[] reducedShape(int[] shape, int[] axes) {
        int[] out = shape.clone();
        for (int a : axes) {
            out[a] = 1;
        }
        return out;
    }

    /** Visits every input element in row-major order and folds it into the output element it maps to. */
    static double[] reference(ReduceOp op, double[] x, int[] shape, int[] axes) {
        int[] outShape = reducedShape(shape, axes);
        double[] out = new double[Inputs.numel(outShape)];
        double[] best = new double[out.length];
        Arrays.fill(out, switch (op) {
            case SUM -> 0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case ARGMAX -> -1;
        });
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < x.length; flat++) {
            int rem = flat;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            int o = 0;
            for (int d = 0; d < shape.length; d++) {
                o = o * outShape[d] + (outShape[d] == 1 ? 0 : idx[d]);
            }
            double v = x[flat];
            switch (op) {
                case SUM -> out[o] += v;
                case MAX -> out[o] = Math.max(out[o], v);
                case MIN -> out[o] = Math.min(out[o], v);
                case ARGMAX -> {
                    if (v > best[o]) {
                        best[o] = v;
                        out[o] = idx[axes[0]];
                    }
                }
            }
        }
        return out;
    }
}
