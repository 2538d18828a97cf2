package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** gather, indexSelect and scatterAdd along every axis, the embedding golden (forward and backward) and scatterAdd's determinism. */
@ExtendWith(ConformanceExtension.class)
class IndexingConformanceTest {
    private static final int[] SHAPE = {5, 17, 3};

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void gatherAlongEveryAxis(Target target) {
        Case c = Case.start(target, Op.GATHER);
        double[] x = c.rounded(Inputs.uniform(1200, Inputs.numel(SHAPE)));
        for (int axis = 0; axis < 3; axis++) {
            int[] idxShape = SHAPE.clone();
            idxShape[axis] = 7; // more picks than positions: repeats
            int[] index = Inputs.ints(1201 + axis, Inputs.numel(idxShape), 0, SHAPE[axis]);
            Tensor out = c.tensors().empty(c.dtype(), idxShape);
            c.backend().gather(Views.of(c, Views.Kind.TRANSPOSED, x, SHAPE).view(), axis, c.tensors().of(index, idxShape).view(), out.view());
            double[] expected = new double[index.length];
            int[] pos = new int[3];
            for (int i = 0; i < index.length; i++) {
                unravel(i, idxShape, pos);
                pos[axis] = index[i];
                expected[i] = x[ravel(pos, SHAPE)];
            }
            c.check("gather axis " + axis + " from a transposed x", expected, out, Tolerance.EXACT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void indexSelectAlongEveryAxis(Target target) {
        Case c = Case.start(target, Op.INDEX_SELECT);
        double[] x = c.rounded(Inputs.uniform(1300, Inputs.numel(SHAPE)));
        for (int axis = 0; axis < 3; axis++) {
            for (int picks : new int[] {0, 1, 9}) {
                int[] index = Inputs.ints(1301 + axis * 10 + picks, picks, 0, SHAPE[axis]);
                int[] outShape = SHAPE.clone();
                outShape[axis] = picks;
                Tensor out = c.tensors().empty(c.dtype(), outShape);
                c.backend().indexSelect(Views.of(c, Views.Kind.OFFSET, x, SHAPE).view(), axis, c.tensors().of(index, picks).view(), out.view());
                double[] expected = new double[Inputs.numel(outShape)];
                int[] pos = new int[3];
                for (int i = 0; i < expected.length; i++) {
                    unravel(i, outShape, pos);
                    pos[axis] = index[pos[axis]];
                    expected[i] = x[ravel(pos, SHAPE)];
                }
                c.check("indexSelect axis " + axis + " picks " + picks, expected, out, Tolerance.EXACT);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void scatterAddAccumulatesDuplicates(Target target) {
        Case c = Case.start(target, Op.SCATTER_ADD);
        for (int axis = 0; axis < 3; axis++) {
            int[] srcShape = SHAPE.clone();
            srcShape[axis] = 11;
            double[] base = c.rounded(Inputs.uniform(1400 + axis, Inputs.numel(SHAPE)));
            double[] src = c.rounded(Inputs.uniform(1410 + axis, Inputs.numel(srcShape)));
            int[] index = Inputs.ints(1420 + axis, src.length, 0, SHAPE[axis]);
            Tensor dst = c.tensor(base, SHAPE);
            c.backend().scatterAdd(dst.view(), axis, c.tensors().of(index, srcShape).view(), Views.of(c, Views.Kind.STRIDED, src, srcShape).view());
            double[] expected = base.clone();
            int[] pos = new int[3];
            for (int i = 0; i < src.length; i++) {
                unravel(i, srcShape, pos);
                pos[axis] = index[i];
                expected[ravel(pos, SHAPE)] += src[i];
            }
            c.check("scatterAdd axis " + axis, expected, dst, Tolerance.reduction(c.dtype(), 11));
            double[] again = scatterTwice(c, base, axis, index, src, srcShape);
            c.check("scatterAdd axis " + axis + " run twice", dst.toDoubleArray(), again, Tolerance.EXACT);
        }
    }

    private static double[] scatterTwice(Case c, double[] base, int axis, int[] index, double[] src, int[] srcShape) {
        Tensor dst = c.tensor(base, SHAPE);
        c.backend().scatterAdd(dst.view(), axis, c.tensors().of(index, srcShape).view(), Views.of(c, Views.Kind.STRIDED, src, srcShape).view());
        return dst.toDoubleArray();
    }

    /** Embedding forward is indexSelect on the rows of the weight; backward scatter-adds dy into those rows. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void embeddingMatchesPyTorch(Target target) {
        Case c = Case.start(target, Op.INDEX_SELECT, Op.SCATTER_ADD);
        for (Golden.GoldenCase g : Golden.load("embedding")) {
            HostTensor w = g.tensor("weight");
            int[] index = g.tensor("index").ints();
            HostTensor dy = g.tensor("dy");
            int n = index.length;
            int dim = w.dim(1);
            Tensor out = c.tensors().empty(c.dtype(), n, dim);
            c.backend().indexSelect(c.tensor(w.data(), w.shape()).view(), 0, c.tensors().of(index, n).view(), out.view());
            c.check("embedding forward " + g.name(), g.tensor("out").data(), out, Tolerance.golden(c.dtype(), 1));
            Tensor dw = c.tensors().zeros(c.dtype(), w.shape());
            Tensor rows = c.tensors().of(index, n, 1).expand(n, dim); // stride-0 index
            c.backend().scatterAdd(dw.view(), 0, rows.view(), c.tensor(dy.data(), dy.shape()).view());
            c.check("embedding backward " + g.name(), g.tensor("dweight").data(), dw, Tolerance.golden(c.dtype(), n));
        }
    }

    static void unravel(int flat, int[] shape, int[] pos) {
        for (int d = shape.length - 1; d >= 0; d--) {
            pos[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    static int ravel(int[] pos, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + pos[d];
        }
        return f;
    }
}
