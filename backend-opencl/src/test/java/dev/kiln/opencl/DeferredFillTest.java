package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.UnaryOp;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One-element fills kept on the host (CPU devices): the run kernels take them by value and leave
 * them kept, and every other use of the buffer sees the fill, against the CPU backend.
 */
class DeferredFillTest {
    private static final int N = 1300;
    private static Backend cpu;
    private static OpenClBackend cl;

    @BeforeAll
    static void open() {
        cl = OpenClTestBackend.get();
        assumeTrue(cl.cl().properties().isCpu(), "fills are kept on the host only on CPU devices");
        cpu = Backends.select("cpu");
    }

    private static Twin twin(DType dtype, Layout layout, double[] values) {
        return Twin.of(cpu, cl, dtype, layout, values);
    }

    /** A rank-0 tensor at element 1 of its storage, filled with {@code value} on both backends. */
    private static Twin constant(DType dtype, double value) {
        Twin c = twin(dtype, new Layout(Shape.scalar(), new int[0], 1), new double[]{5, 6, 7});
        cpu.fill(c.cpu(), value);
        cl.fill(c.cl(), value);
        return c;
    }

    private static BufferView broadcast(BufferView scalar, int n) {
        return new BufferView(scalar.buffer(), new Layout(Shape.of(n), new int[]{0}, scalar.layout().offset()));
    }

    private static Twin broadcast(Twin scalar, int n) {
        return new Twin(broadcast(scalar.cpu(), n), broadcast(scalar.cl(), n), scalar.storage());
    }

    private static void assertKept(Twin t, String what) {
        assertNotNull(((OpenClBuffer) t.cl().buffer()).deferredFill(), what + ": the fill should still be kept on the host");
    }

    @Test
    void binaryAndWhereTakeKeptConstantsByValueOnEitherSide() {
        for (DType dtype : new DType[]{DType.F32, DType.F64, DType.I32}) {
            Twin x = twin(dtype, Layout.contiguous(Shape.of(N)), Twin.random(dtype, N, 1));
            Twin k = constant(dtype, -1.75);
            Twin wide = broadcast(k, N);
            Twin cond = twin(DType.BOOL, Layout.contiguous(Shape.of(N)), Twin.random(DType.BOOL, N, 2));
            for (BinaryOp op : new BinaryOp[]{BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.MAXIMUM, BinaryOp.GT}) {
                Twin[][] pairs = {{x, wide}, {wide, x}, {wide, wide}};
                for (Twin[] pair : pairs) {
                    Twin out = twin(op.isComparison() ? DType.BOOL : dtype, Layout.contiguous(Shape.of(N)), new double[N]);
                    cpu.binary(op, pair[0].cpu(), pair[1].cpu(), out.cpu());
                    cl.binary(op, pair[0].cl(), pair[1].cl(), out.cl());
                    out.assertClose(cpu, cl, 0, 0, dtype + " " + op + " of " + pair[0].cl().layout() + " and " + pair[1].cl().layout());
                    out.release();
                }
            }
            for (Twin[] pair : new Twin[][]{{x, wide}, {wide, x}}) {
                Twin out = twin(dtype, Layout.contiguous(Shape.of(N)), new double[N]);
                cpu.where(cond.cpu(), pair[0].cpu(), pair[1].cpu(), out.cpu());
                cl.where(cond.cl(), pair[0].cl(), pair[1].cl(), out.cl());
                out.assertClose(cpu, cl, 0, 0, dtype + " where with a kept constant");
                out.release();
            }
            Twin quotient = twin(dtype, Layout.contiguous(Shape.scalar()), new double[1]);
            cpu.binary(BinaryOp.DIV, k.cpu(), k.cpu(), quotient.cpu());
            cl.binary(BinaryOp.DIV, k.cl(), k.cl(), quotient.cl());
            quotient.assertClose(cpu, cl, 0, 0, dtype + " rank-0 constant over itself");
            assertKept(k, dtype + " after binary and where");
            for (Twin t : new Twin[]{x, k, cond, quotient}) {
                t.release();
            }
        }
    }

    @Test
    void otherKernelsDownloadsAndWritesSeeTheFill() {
        Twin k = constant(DType.F32, 2.5);
        Twin negated = twin(DType.F32, Layout.contiguous(Shape.scalar()), new double[1]);
        cpu.unary(UnaryOp.NEG, k.cpu(), negated.cpu());
        cl.unary(UnaryOp.NEG, k.cl(), negated.cl());
        negated.assertClose(cpu, cl, 0, 0, "negation of a kept constant");
        assertNull(((OpenClBuffer) k.cl().buffer()).deferredFill(), "a kernel reading the buffer queues the fill");

        Twin inPlace = constant(DType.F32, 4);
        cpu.binary(BinaryOp.ADD, inPlace.cpu(), inPlace.cpu(), inPlace.cpu());
        cl.binary(BinaryOp.ADD, inPlace.cl(), inPlace.cl(), inPlace.cl());
        inPlace.assertClose(cpu, cl, 0, 0, "a kept constant doubled into itself");
        for (Twin t : new Twin[]{k, negated, inPlace}) {
            t.release();
        }
    }

    @Test
    void fillsOfTwoElementsOfOneBufferBothLand() {
        Twin row = twin(DType.I64, Layout.contiguous(Shape.of(5)), new double[]{1, 2, 3, 4, 5});
        for (int[] at : new int[][]{{1, -8}, {3, 9}, {1, 7}}) {
            Twin element = row.view(new Layout(Shape.scalar(), new int[0], at[0]));
            cpu.fill(element.cpu(), at[1]);
            cl.fill(element.cl(), at[1]);
        }
        row.assertClose(cpu, cl, 0, 0, "two one-element fills, the first written twice");
        assertArrayEquals(new double[]{1, 7, 3, 9, 5}, Arrays.copyOf(row.clValues(cl), 5), "fills of elements 1 and 3");
        row.release();
    }

    @Test
    void anUploadOverAKeptFillIsNotUndoneByIt() {
        Twin row = twin(DType.F32, Layout.contiguous(Shape.of(4)), new double[]{0, 0, 0, 0});
        cl.fill(row.view(new Layout(Shape.scalar(), new int[0], 2)).cl(), 9);
        double[] uploaded = {1, 2, 3, 4};
        cl.upload(Twin.encode(DType.F32, uploaded), row.cl().buffer(), 0);
        assertArrayEquals(uploaded, Arrays.copyOf(row.clValues(cl), 4), "the upload came after the fill");
        row.release();
    }
}
