package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * F32 binary ops of a contiguous run and a broadcast scalar, on either side, through
 * {@link CpuElementwise#binary}: bit for bit Java's float operators, for the ops with a loop of their
 * own ({@link CpuScalarRunsF32}) and for one that keeps the general loop.
 */
class CpuScalarRunsF32Test {

    @Test
    void scalarOnEitherSideMatchesJavaFloatOperators() {
        Random rnd = new Random(51);
        for (int n : new int[] {1, 17, 2 * CpuElementwise.GRAIN + 9}) {
            CpuBuffer run = new CpuBuffer(DType.F32, n + 2);
            float[] xs = (float[]) run.array();
            for (int i = 0; i < xs.length; i++) {
                xs[i] = i % 7 == 0 ? 0f : (float) rnd.nextGaussian();
            }
            BufferView x = new BufferView(run, new Layout(Shape.of(n), new int[] {1}, 2));
            for (float s : new float[] {0.125f, -3f, 0f}) {
                CpuBuffer one = new CpuBuffer(DType.F32, 1);
                ((float[]) one.array())[0] = s;
                BufferView scalar = new BufferView(one, new Layout(Shape.of(n), new int[] {0}, 0));
                for (BinaryOp op : List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM)) {
                    BufferView right = StridedViews.zeros(DType.F32, n);
                    BufferView left = StridedViews.zeros(DType.F32, n);
                    CpuElementwise.binary(op, x, scalar, right);
                    CpuElementwise.binary(op, scalar, x, left);
                    for (int i = 0; i < n; i++) {
                        float v = xs[2 + i];
                        check(op, v, s, right, i);
                        check(op, s, v, left, i);
                    }
                }
            }
        }
    }

    private static void check(BinaryOp op, float a, float b, BufferView out, int i) {
        float expected = CpuElementwiseTest.javaF32(op, a, b);
        float actual = ((float[]) ((CpuBuffer) out.buffer()).array())[out.layout().offset() + i];
        if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
            fail(a + " " + op + " " + b + " at " + i + ": expected " + expected + ", got " + actual);
        }
    }
}
