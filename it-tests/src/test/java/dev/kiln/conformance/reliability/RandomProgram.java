package dev.kiln.conformance.reliability;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A random program of views (transpose, permute, strided slice, offset slice, broadcast) and ops
 * (elementwise, broadcasting binary, where, reductions, matmul, softmax, indexing, scatter-add, cat)
 * derived entirely from one seed. Every random choice depends only on the seed and on shapes, so
 * running the same seed on two backends runs the same program; {@code materialise} copies every
 * view to contiguous memory, giving a reference that never exercises strided kernels.
 */
final class RandomProgram {
    static final int STEPS = 5;
    private static final int MAX_NUMEL = 2048;

    /** Each step's output on the host, and a description of the program for failure messages. */
    record Trace(List<double[]> outputs, List<String> steps) {
    }

    private final Random random;
    private final Tensors on;
    private final boolean materialise;
    private final List<double[]> outputs = new ArrayList<>();
    private final List<String> steps = new ArrayList<>();

    private RandomProgram(long seed, Backend backend, boolean materialise) {
        this.random = new Random(seed);
        this.on = Tensors.on(backend);
        this.materialise = materialise;
    }

    /** Runs program {@code seed} on {@code backend}; every tensor it makes is closed by the caller's scope. */
    static Trace run(long seed, Backend backend, boolean materialise) {
        RandomProgram p = new RandomProgram(seed, backend, materialise);
        Tensor x = p.input(p.randomShape(1 + p.random.nextInt(3)));
        p.record("input " + x.shape(), x);
        for (int i = 0; i < STEPS; i++) {
            x = p.step(x);
        }
        return new Trace(p.outputs, p.steps);
    }

    private void record(String what, Tensor t) {
        steps.add(what + " -> " + t.shape());
        outputs.add(t.toDoubleArray());
    }

    private Tensor step(Tensor x) {
        if (x.numel() > MAX_NUMEL) {
            Tensor y = x.sum(0, false);
            record("sum(0) to shrink", y);
            return y;
        }
        return switch (random.nextInt(12)) {
            case 0, 1 -> view(x);
            case 2, 3 -> unary(x);
            case 4, 5 -> binary(x);
            case 6 -> reduce(x);
            case 7 -> matmul(x);
            case 8 -> softmax(x);
            case 9 -> indexing(x);
            case 10 -> whereOrCat(x);
            default -> scatterAdd(x);
        };
    }

    // ------------------------------------------------------------------ inputs

    private int[] randomShape(int rank) {
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            int r = random.nextInt(20);
            dims[i] = r == 0 ? 0 : r < 5 ? 1 : 2 + random.nextInt(6);
        }
        return dims;
    }

    private Tensor input(int... shape) {
        int n = Shape.of(shape).numel();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextDouble() * 4 - 2;
        }
        return on.of(DType.F32, v, shape);
    }

    /** A contiguous copy of a view when running as the reference. */
    private Tensor settle(Tensor t) {
        return materialise ? t.copy() : t;
    }

    // ------------------------------------------------------------------ steps

    private Tensor view(Tensor x) {
        int rank = x.rank();
        int kind = random.nextInt(5);
        if (kind == 0 && rank >= 2) {
            int a = random.nextInt(rank);
            int b = random.nextInt(rank);
            Tensor y = settle(x.transpose(a, b));
            record("transpose(" + a + "," + b + ")", y);
            return y;
        }
        if (kind == 1 && rank >= 2) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < rank; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, random);
            int[] perm = order.stream().mapToInt(Integer::intValue).toArray();
            Tensor y = settle(x.permute(perm));
            record("permute" + Arrays.toString(perm), y);
            return y;
        }
        if (kind == 2 && rank >= 1) {
            int axis = random.nextInt(rank);
            int d = x.dim(axis);
            if (d > 0) {
                int start = random.nextInt(d);
                int end = start + 1 + random.nextInt(d - start);
                int step = 1 + random.nextInt(3);
                Tensor y = settle(x.slice(axis, start, end, step));
                record("slice(" + axis + "," + start + "," + end + "," + step + ")", y);
                return y;
            }
        }
        if (kind == 3 && rank < 4) {
            int n = 1 + random.nextInt(3);
            int[] target = new int[rank + 1];
            target[0] = n;
            System.arraycopy(x.shape().toArray(), 0, target, 1, rank);
            Tensor y = settle(x.unsqueeze(0).expand(target));
            record("expand" + Arrays.toString(target), y);
            return y;
        }
        Tensor flat = x.reshape(-1);
        int n = flat.numel();
        Tensor y = settle(n > 1 ? flat.slice(0, 1, n) : flat);
        record("flatten + offset slice", y);
        return y;
    }

    private Tensor unary(Tensor x) {
        int k = random.nextInt(9);
        String[] names = {"tanh", "sigmoid", "relu", "abs", "neg", "sin", "cos", "gelu", "clamp(-1,1)"};
        Tensor y = switch (k) {
            case 0 -> x.tanh();
            case 1 -> x.sigmoid();
            case 2 -> x.relu();
            case 3 -> x.abs();
            case 4 -> x.neg();
            case 5 -> x.sin();
            case 6 -> x.cos();
            case 7 -> x.gelu();
            default -> x.clamp(-1, 1);
        };
        record(names[k], y);
        return y;
    }

    /** An operand that broadcasts against {@code x}: some dimensions 1, maybe fewer leading dimensions. */
    private Tensor broadcastOperand(Tensor x) {
        int rank = x.rank();
        int drop = rank == 0 ? 0 : random.nextInt(rank + 1);
        int[] dims = Arrays.copyOfRange(x.shape().toArray(), drop, rank);
        for (int i = 0; i < dims.length; i++) {
            if (random.nextInt(3) == 0) {
                dims[i] = 1;
            }
        }
        return input(dims);
    }

    private Tensor binary(Tensor x) {
        Tensor other = broadcastOperand(x);
        int k = random.nextInt(6);
        String[] names = {"add", "sub", "mul", "maximum", "minimum", "div(abs+1)"};
        Tensor y = switch (k) {
            case 0 -> x.add(other);
            case 1 -> other.sub(x);
            case 2 -> x.mul(other);
            case 3 -> x.maximum(other);
            case 4 -> other.minimum(x);
            default -> x.div(other.abs().add(1));
        };
        record(names[k] + " with " + other.shape(), y);
        return y;
    }

    private Tensor reduce(Tensor x) {
        if (x.rank() == 0) {
            Tensor y = x.mul(2);
            record("mul(2)", y);
            return y;
        }
        int axis = random.nextInt(x.rank());
        boolean keep = random.nextBoolean();
        int k = x.dim(axis) == 0 ? random.nextInt(2) : random.nextInt(4);
        String[] names = {"sum", "mean", "max", "min"};
        Tensor y = switch (k) {
            case 0 -> x.sum(axis, keep);
            case 1 -> x.mean(axis, keep);
            case 2 -> x.max(axis, keep);
            default -> x.min(axis, keep);
        };
        record(names[k] + "(" + axis + "," + keep + ")", y);
        return y;
    }

    private Tensor matmul(Tensor x) {
        if (x.rank() == 0 || x.rank() > 3) {
            return unary(x);
        }
        int inner = x.dim(-1);
        int n = 1 + random.nextInt(6);
        Tensor w = random.nextBoolean() ? input(inner, n) : settle(input(n, inner).mT());
        Tensor y = x.matmul(w);
        record("matmul with " + w.shape() + (w.isContiguous() ? "" : " transposed"), y);
        return y;
    }

    private Tensor softmax(Tensor x) {
        if (x.rank() == 0) {
            return unary(x);
        }
        int axis = random.nextInt(x.rank());
        boolean log = random.nextBoolean();
        Tensor y = log ? Functional.logSoftmax(x, axis) : Functional.softmax(x, axis);
        record((log ? "logSoftmax(" : "softmax(") + axis + ")", y);
        return y;
    }

    private Tensor indexing(Tensor x) {
        if (x.rank() == 0 || x.dim(0) == 0) {
            return unary(x);
        }
        int axis = random.nextInt(x.rank());
        int d = x.dim(axis);
        if (d == 0) {
            return unary(x);
        }
        int n = random.nextInt(5);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = random.nextInt(d);
        }
        Tensor y = x.indexSelect(axis, on.of(idx, n));
        record("indexSelect(" + axis + ", " + Arrays.toString(idx) + ")", y);
        return y;
    }

    private Tensor whereOrCat(Tensor x) {
        if (random.nextBoolean()) {
            // The condition comes from fresh inputs: a computed value near 0 could flip sign between backends.
            Tensor other = broadcastOperand(x);
            Tensor y = Tensor.where(input(x.shape().toArray()).gt(0), x, other);
            record("where(random > 0, x, " + other.shape() + ")", y);
            return y;
        }
        if (x.rank() == 0) {
            return unary(x);
        }
        int axis = random.nextInt(x.rank());
        Tensor y = Tensor.cat(axis, x, x.neg());
        record("cat(" + axis + ", x, -x)", y);
        return y;
    }

    private Tensor scatterAdd(Tensor x) {
        if (x.rank() == 0) {
            return unary(x);
        }
        int axis = random.nextInt(x.rank());
        int targetDim = 1 + random.nextInt(4);
        int[] outShape = x.shape().toArray();
        outShape[axis] = targetDim;
        int[] idx = new int[x.numel()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = random.nextInt(targetDim);
        }
        Tensor index = on.of(idx, x.shape().toArray());
        Tensor y = on.zeros(DType.F32, outShape).scatterAdd(axis, index, x);
        record("scatterAdd(" + axis + ") into " + Shape.of(outShape), y);
        return y;
    }
}
