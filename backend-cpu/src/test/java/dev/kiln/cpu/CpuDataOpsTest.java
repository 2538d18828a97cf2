package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;
import dev.kiln.cpu.StridedViews.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** copy / cast / fill / arange, gather / indexSelect / scatterAdd, randomBits, host transfers and the provider. */
class CpuDataOpsTest {
    @ParameterizedTest
    @EnumSource(Kind.class)
    void copyAndCastEveryPair(Kind kind) {
        for (DType from : DType.values()) {
            BufferView src = StridedViews.random(from, kind, new Random(from.ordinal()), 3, 11);
            for (DType to : DType.values()) {
                BufferView dst = StridedViews.zeros(to, 3, 11);
                CpuCopy.cast(src, dst);
                for (int i = 0; i < 33; i++) {
                    double v = StridedViews.get(src, i);
                    double expected = switch (to) {
                        case F32 -> (float) v;
                        case F64 -> v;
                        case I32, I64 -> from.isFloating() ? (double) (long) v : v;
                        case U8 -> ((long) v) & 0xFF;
                        case BOOL -> v != 0 ? 1 : 0;
                    };
                    assertEquals(expected, StridedViews.get(dst, i), from + " -> " + to + " of " + v);
                }
            }
        }
    }

    @Test
    void arangeRefusesAZeroStepAndRangesBeyondTheIntLimit() {
        dev.kiln.api.Tensors on = dev.kiln.api.Tensors.on(new CpuBackendProvider().open(0));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> on.arange(DType.F32, 0, 1, 0));
        assertTrue(zero.getMessage().contains("step must not be 0"), zero.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> on.arange(DType.F64, 0, 1e10, 1));
        assertTrue(huge.getMessage().contains("10000000000 elements"), huge.getMessage());
        try (dev.kiln.api.Tensor t = on.arange(DType.F32, 1, 0, 1)) {
            assertEquals(0, t.numel(), "a range against the step is empty");
        }
    }

    @Test
    void castTruncatesTowardZero() {
        BufferView src = StridedViews.zeros(DType.F32, 4);
        System.arraycopy(new float[] {-2.7f, -0.5f, 0.9f, 3.99f}, 0, CpuBuffer.f32(src), 2, 4);
        BufferView dst = StridedViews.zeros(DType.I32, 4);
        CpuCopy.cast(src, dst);
        assertArrayEquals(new int[] {-2, 0, 0, 3}, java.util.Arrays.copyOfRange(CpuBuffer.i32(dst), 2, 6));
    }

    @Test
    void fillAndArangeThroughStridedLayouts() {
        Layout strided = new Layout(Shape.of(4, 3), new int[] {1, 8}, 2);
        BufferView dst = new BufferView(new CpuBuffer(DType.I64, 40), strided);
        CpuCopy.arange(dst, 5, -2);
        for (int i = 0; i < 12; i++) {
            assertEquals(5 - 2 * i, StridedViews.getLong(dst, i));
        }
        BufferView f = StridedViews.random(DType.F64, Kind.TRANSPOSED, new Random(3), 5, 7);
        CpuCopy.fill(f, 2.5);
        for (int i = 0; i < 35; i++) {
            assertEquals(2.5, StridedViews.get(f, i));
        }
        CpuCopy.fill(StridedViews.zeros(DType.F32, 0, 3), 1);
    }

    @Test
    void contiguousFloatFillWritesExactlyItsRange() {
        // longer than one parallel chunk, at an offset, with a neighbour on each side that must keep its value
        int n = 2 * CpuElementwise.GRAIN + 3;
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            CpuBuffer buffer = new CpuBuffer(dt, n + 2);
            BufferView dst = new BufferView(buffer, new Layout(Shape.of(n), new int[] {1}, 1));
            CpuCopy.fill(dst, -0.1);
            double expected = dt == DType.F32 ? (float) -0.1 : -0.1;
            BufferView whole = new BufferView(buffer, Layout.contiguous(Shape.of(n + 2)));
            assertEquals(0.0, StridedViews.get(whole, 0), dt + " before the range");
            assertEquals(0.0, StridedViews.get(whole, n + 1), dt + " after the range");
            for (int i = 1; i <= n; i++) {
                if (StridedViews.get(whole, i) != expected) {
                    assertEquals(expected, StridedViews.get(whole, i), dt + " at " + i);
                }
            }
        }
    }

    @Test
    void gatherIndexSelectScatterAddMatchNaive() {
        Random rnd = new Random(11);
        for (DType dt : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            BufferView x = StridedViews.random(dt, Kind.TRANSPOSED, rnd, 4, 6);
            BufferView index = StridedViews.zeros(DType.I32, 4, 3);
            int[] idx = CpuBuffer.i32(index);
            for (int i = 0; i < 12; i++) {
                idx[2 + i] = rnd.nextInt(6);
            }
            BufferView out = StridedViews.zeros(dt, 4, 3);
            CpuIndexing.gather(x, 1, index, out);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(StridedViews.get(x, i * 6 + idx[2 + i * 3 + j]), StridedViews.get(out, i * 3 + j));
                }
            }
            BufferView rows = StridedViews.zeros(DType.I32, 5);
            int[] r = CpuBuffer.i32(rows);
            System.arraycopy(new int[] {3, 0, 3, 1, 2}, 0, r, 2, 5);
            BufferView selected = StridedViews.zeros(dt, 5, 6);
            CpuIndexing.indexSelect(x, 0, rows, selected);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(StridedViews.get(x, r[2 + i] * 6 + j), StridedViews.get(selected, i * 6 + j));
                }
            }
            BufferView dst = StridedViews.random(dt, Kind.OFFSET, rnd, 4, 6);
            double[] expected = new double[24];
            for (int i = 0; i < 24; i++) {
                expected[i] = StridedViews.get(dst, i);
            }
            BufferView src = StridedViews.random(dt, Kind.STRIDED, rnd, 4, 3);
            CpuIndexing.scatterAdd(dst, 1, index, src);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    expected[i * 6 + idx[2 + i * 3 + j]] += StridedViews.get(src, i * 3 + j);
                }
            }
            for (int i = 0; i < 24; i++) {
                double tol = dt == DType.F32 ? 1e-5 : 1e-12;
                assertEquals(expected[i], StridedViews.get(dst, i), tol, dt + " scatterAdd at " + i);
            }
        }
    }

    @Test
    void indexOutOfBoundsNamesOpValueAndSize() {
        BufferView x = StridedViews.zeros(DType.F32, 2, 3);
        BufferView index = StridedViews.zeros(DType.I32, 2, 1);
        CpuBuffer.i32(index)[3] = 3;
        KilnException e = assertThrows(KilnException.class, () -> CpuIndexing.gather(x, 1, index, StridedViews.zeros(DType.F32, 2, 1)));
        assertTrue(e.getMessage().contains("gather") && e.getMessage().contains("index 3") && e.getMessage().contains("size 3"), e.getMessage());
        CpuBuffer.i32(index)[3] = -1;
        assertThrows(KilnException.class, () -> CpuIndexing.scatterAdd(x, 1, index, StridedViews.zeros(DType.F32, 2, 1)));
    }

    @Test
    void randomBitsIsThePhiloxStream() {
        int n = 4 * 1000 + 3;
        BufferView dst = StridedViews.zeros(DType.I32, n);
        CpuRandom.randomBits(dst, 0x1234_5678_9ABCL, 77, 5);
        int[] expected = new int[n];
        Philox.randomBits(0x1234_5678_9ABCL, 77, 5, expected, 0, n);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(CpuBuffer.i32(dst), 2, 2 + n));
        Layout transposed = new Layout(Shape.of(7, 5), new int[] {1, 7}, 0);
        BufferView t = new BufferView(new CpuBuffer(DType.I32, 35), transposed);
        CpuRandom.randomBits(t, 9, 0, 0);
        int[] stream = new int[35];
        Philox.randomBits(9, 0, 0, stream, 0, 35);
        for (int i = 0; i < 35; i++) {
            assertEquals(stream[i], (int) StridedViews.getLong(t, i));
        }
    }

    @Test
    void transfersRoundTripLittleEndianWithOffsets() {
        ByteBuffer bytes = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putDouble(1.5).putDouble(-2).putDouble(1e300).flip();
        CpuBuffer buffer = new CpuBuffer(DType.F64, 8);
        CpuTransfer.upload(bytes, buffer, 4);
        assertArrayEquals(new double[] {0, 0, 0, 0, 1.5, -2, 1e300, 0}, (double[]) buffer.array());
        ByteBuffer back = ByteBuffer.allocate(16);
        CpuTransfer.download(buffer, 5, back);
        assertEquals(-2.0, back.order(ByteOrder.LITTLE_ENDIAN).getDouble(0));
        assertEquals(1e300, back.getDouble(8));
        assertThrows(KilnException.class, () -> CpuTransfer.upload(ByteBuffer.allocate(24), buffer, 6));
    }

    @Test
    void providerIsCpuAlwaysAvailableAndOpensOneBackend() {
        CpuBackendProvider provider = new CpuBackendProvider();
        assertEquals("cpu", provider.name());
        assertEquals(100, provider.priority());
        assertTrue(provider.probe().available());
        assertSame(provider.open(0), new CpuBackendProvider().open(0));
        assertThrows(KilnException.class, () -> provider.open(1));
        boolean listed = java.util.ServiceLoader.load(dev.kiln.api.spi.BackendProvider.class).stream()
                .anyMatch(p -> p.type() == CpuBackendProvider.class);
        assertTrue(listed, "CpuBackendProvider is registered for ServiceLoader");
    }
}
