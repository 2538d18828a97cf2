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
 * The vector-lane F32 where and comparisons ({@link CpuMaskRunsF32}) through {@link CpuElementwise}:
 * contiguous masks and outputs with contiguous or scalar-broadcast operands (the ReLU gradient's
 * shapes), lengths that leave a tail after whole vectors, NaN, infinities and signed zeros, against
 * Java's operators element by element.
 */
class CpuMaskRunsF32Test {
    private static final int[] LENGTHS = {1, 15, 16, 17, 1_003};
    /** Longer than one parallel chunk, so runs start inside the array. */
    private static final int LONG = 2 * CpuElementwise.GRAIN + 5;
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f};

    /** A contiguous F32 view at offset 3, every fifth element taken from {@link #SPECIAL}. */
    private static BufferView values(Random rnd, int n) {
        CpuBuffer buffer = new CpuBuffer(DType.F32, n + 3);
        float[] a = (float[]) buffer.array();
        for (int i = 0; i < n; i++) {
            a[3 + i] = i % 5 == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) rnd.nextGaussian();
        }
        return new BufferView(buffer, new Layout(Shape.of(n), new int[] {1}, 3));
    }

    /** One value broadcast to {@code n} elements (stride 0), as a scalar operand is. */
    private static BufferView scalar(float value, int n) {
        CpuBuffer buffer = new CpuBuffer(DType.F32, 2);
        ((float[]) buffer.array())[1] = value;
        return new BufferView(buffer, new Layout(Shape.of(n), new int[] {0}, 1));
    }

    private static float f(BufferView v, int i) {
        return ((float[]) ((CpuBuffer) v.buffer()).array())[v.layout().indexOf(i)];
    }

    @Test
    void comparisonsMatchJavaOperators() {
        Random rnd = new Random(41);
        for (int n : LENGTHS) {
            BufferView a = values(rnd, n);
            for (BufferView b : List.of(values(rnd, n), scalar(0f, n), scalar(Float.NaN, n))) {
                for (BinaryOp op : List.of(BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE)) {
                    BufferView out = StridedViews.zeros(DType.BOOL, n);
                    CpuElementwise.binary(op, a, b, out);
                    for (int i = 0; i < n; i++) {
                        float x = f(a, i);
                        float y = f(b, i);
                        boolean expected = switch (op) {
                            case EQ -> x == y;
                            case NE -> x != y;
                            case LT -> x < y;
                            case LE -> x <= y;
                            case GT -> x > y;
                            default -> x >= y;
                        };
                        if ((StridedViews.get(out, i) != 0) != expected) {
                            fail(op + " of " + x + ", " + y + " at " + i + " of " + n + ": expected " + expected);
                        }
                    }
                }
            }
        }
        BufferView a = values(rnd, LONG);
        BufferView out = StridedViews.zeros(DType.BOOL, LONG);
        CpuElementwise.binary(BinaryOp.GT, a, scalar(0f, LONG), out);
        for (int i = 0; i < LONG; i++) {
            if ((StridedViews.get(out, i) != 0) != f(a, i) > 0) {
                fail("gt 0 of " + f(a, i) + " at " + i + " of " + LONG);
            }
        }
    }

    @Test
    void whereTakesTheChosenOperandBitForBit() {
        Random rnd = new Random(42);
        for (int n : new int[] {1, 15, 16, 17, 1_003, LONG}) {
            BufferView cond = StridedViews.random(DType.BOOL, StridedViews.Kind.OFFSET, rnd, n);
            BufferView x = values(rnd, n);
            BufferView y = values(rnd, n);
            BufferView zero = scalar(-0f, n);
            BufferView[][] pairs = {{x, y}, {x, zero}, {zero, y}, {zero, zero}};
            for (BufferView[] pair : pairs) {
                BufferView out = StridedViews.zeros(DType.F32, n);
                CpuElementwise.where(cond, pair[0], pair[1], out);
                for (int i = 0; i < n; i++) {
                    float expected = StridedViews.get(cond, i) != 0 ? f(pair[0], i) : f(pair[1], i);
                    if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(f(out, i))) {
                        fail("element " + i + " of " + n + ": expected " + expected + ", got " + f(out, i));
                    }
                }
            }
        }
    }
}
