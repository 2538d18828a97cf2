package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.gradients.GradientCheck;
import dev.kiln.conformance.gradients.GradientCheck.Input;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class IndexingTest {
    private static final double[] X = Naive.range(12, 0, 1);

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void indexSelectGatherAndScatterAddTakeI32AndI64(Target target) {
        Case c = Case.start(target, Op.INDEX_SELECT, Op.GATHER, Op.SCATTER_ADD, Op.CAST);
        Tensor x = c.tensor(X, 3, 4);
        for (Tensor idx : new Tensor[] {c.tensors().of(new int[] {2, 0, 2}, 3), c.tensors().of(new long[] {2, 0, 2}, 3)}) {
            c.check("indexSelect rows " + idx.dtype(), new double[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, x.indexSelect(0, idx),
                    Tolerance.EXACT);
            c.check("indexSelect columns " + idx.dtype(), new double[] {2, 0, 2, 6, 4, 6, 10, 8, 10}, x.indexSelect(1, idx),
                    Tolerance.EXACT);
        }
        Tensor gi = c.tensors().of(new long[] {3, 0, 1, 1, 2, 0}, 3, 2);
        c.check("gather axis 1", new double[] {3, 0, 5, 5, 10, 8}, x.gather(1, gi), Tolerance.EXACT);
        Tensor si = c.tensors().of(new int[] {0, 0, 2, 1}, 1, 4);
        Tensor src = c.tensor(new double[] {10, 20, 30, 40}, 1, 4);
        Tensor scattered = x.scatterAdd(0, si, src);
        c.check("scatterAdd axis 0", new double[] {10, 21, 2, 3, 4, 5, 6, 47, 8, 9, 40, 11}, scattered, Tolerance.EXACT);
        c.check("scatterAdd leaves its input alone", X, x, Tolerance.EXACT);
        Tensor allOnes = c.tensors().of(new int[] {1, 1, 1, 1, 1, 1, 1, 1}, 2, 4);
        Tensor eight = c.tensor(Naive.range(8, 1, 1), 2, 4);
        c.check("repeated indices accumulate", new double[] {0, 0, 0, 0, 6, 8, 10, 12},
                c.tensor(new double[8], 2, 4).scatterAdd(0, allOnes, eight), Tolerance.EXACT);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void catStackSplitChunkFlattenNarrow(Target target) {
        Case c = Case.start(target, Op.COPY);
        Tensor a = c.tensor(X, 3, 4);
        Tensor b = c.tensor(Naive.range(4, 100, 1), 1, 4);
        Tensor rows = Tensor.cat(0, a, b);
        assertArrayEquals(new int[] {4, 4}, rows.shape().toArray());
        c.check("cat axis 0", concat(X, Naive.range(4, 100, 1)), rows, Tolerance.EXACT);
        Tensor cols = Tensor.cat(-1, a, a.slice(1, 0, 1));
        c.check("cat axis 1 of a view", new double[] {0, 1, 2, 3, 0, 4, 5, 6, 7, 4, 8, 9, 10, 11, 8}, cols, Tolerance.EXACT);
        Tensor st = Tensor.stack(1, a.slice(0, 0, 2), a.slice(0, 1, 3));
        assertArrayEquals(new int[] {2, 2, 4}, st.shape().toArray());
        c.check("stack axis 1", new double[] {0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 8, 9, 10, 11}, st, Tolerance.EXACT);
        Tensor[] pieces = a.split(3, 1);
        assertEquals(2, pieces.length);
        c.check("split piece 2", new double[] {3, 7, 11}, pieces[1], Tolerance.EXACT);
        Tensor[] sized = a.split(new int[] {1, 2}, 0);
        c.check("split sizes", Naive.range(8, 4, 1), sized[1], Tolerance.EXACT);
        Tensor[] chunks = c.tensor(Naive.range(5, 0, 1), 5).chunk(3, 0);
        assertEquals(3, chunks.length);
        c.check("last chunk", new double[] {4}, chunks[2], Tolerance.EXACT);
        Tensor cube = c.tensor(Naive.range(24, 0, 1), 2, 3, 4);
        assertArrayEquals(new int[] {6, 4}, cube.flatten(0, 1).shape().toArray());
        assertArrayEquals(new int[] {24}, cube.flatten().shape().toArray());
        c.check("flatten a transposed view", new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, a.mT().flatten(),
                Tolerance.EXACT);
        c.check("narrow", new double[] {1, 2, 5, 6, 9, 10}, a.narrow(1, 1, 2), Tolerance.EXACT);
    }

    private static double[] concat(double[] p, double[] q) {
        double[] r = java.util.Arrays.copyOf(p, p.length + q.length);
        System.arraycopy(q, 0, r, p.length, q.length);
        return r;
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.INDEX_SELECT, Op.GATHER, Op.SCATTER_ADD);
        GradientCheck check = GradientCheck.on(c.backend());
        Input x = Input.random(51, -1, 1, 3, 4);
        Tensor rowsI64 = c.tensors().of(new long[] {2, 0, 2}, 3);
        Tensor colsI32 = c.tensors().of(new int[] {3, 3, 1}, 3);
        check.check("indexSelect rows (repeated)", xs -> xs[0].indexSelect(0, rowsI64), x);
        check.check("indexSelect columns", xs -> xs[0].indexSelect(1, colsI32), x);
        Tensor gi = c.tensors().of(new long[] {3, 0, 1, 1, 2, 0}, 3, 2);
        check.check("gather", xs -> xs[0].gather(1, gi), x);
        Tensor si = c.tensors().of(new int[] {0, 0, 2, 1, 2, 2, 0, 1}, 2, 4);
        check.check("scatterAdd", xs -> xs[0].scatterAdd(0, si, xs[1]), x, Input.random(52, -1, 1, 2, 4));
        check.check("cat", xs -> Tensor.cat(1, xs[0], xs[1], xs[0]), x, Input.random(53, -1, 1, 3, 2));
        check.check("stack", xs -> Tensor.stack(0, xs[0], xs[1]).mul(Tensor.stack(2, xs[1], xs[0]).permute(2, 0, 1)),
                x, Input.random(54, -1, 1, 3, 4));
        check.check("split", xs -> xs[0].split(3, 1)[1].mul(xs[0].chunk(2, 1)[0].sum(1, true)), x);
        check.check("flatten and narrow", xs -> xs[0].mT().flatten().narrow(0, 2, 7).square(), x);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void castsRoundTowardZeroAndCarryGradients(Target target) {
        Case c = Case.start(target, Op.CAST);
        Tensor x = c.tensor(new double[] {-1.7, -0.5, 0.5, 2.9}, 4);
        assertArrayEquals(new int[] {-1, 0, 0, 2}, x.to(DType.I32).toIntArray(), "float to int truncates toward zero");
        assertArrayEquals(new long[] {-1, 0, 0, 2}, x.to(DType.I64).toLongArray());
        assertEquals(x, x.to(c.dtype()), "to(same dtype) is the identity");
        Tensor p = c.tensor(new double[] {1, 2}, 2).requiresGrad(true);
        DType other = c.dtype() == DType.F32 ? DType.F64 : DType.F32;
        Tensor widened = p.to(other);
        assertEquals(other, widened.dtype());
        widened.mul(3).sum().backward();
        assertEquals(c.dtype(), p.grad().dtype(), "the gradient comes back in the input's dtype");
        c.check("gradient through a cast", new double[] {3, 3}, p.grad(), Tolerance.EXACT);
        assertEquals(c.backend(), x.to(c.backend()).backend());
    }
}
