package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuDropoutTest {

    @ParameterizedTest
    @CsvSource({"F32, 0.3", "F64, 0.3", "F32, 0.9", "F64, 0.5"})
    void keepsExactlyThePhiloxMaskAndScales(DType dtype, double p) {
        // more than one parallel chunk, and a length that is not a multiple of 4
        int n = 40_001;
        DropoutKey key = new DropoutKey(0x1234_5678_9ABCL, 7, 3_000_000_000L);
        BufferView x = FusedTensors.random(dtype, new Random(61), n);
        BufferView out = FusedTensors.zeros(dtype, n);
        CpuDropout.dropout(x, p, key, out);
        double[] xs = read(x);
        double[] expected = new double[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (Philox.dropoutKeeps(key, i, (float) p)) {
                expected[i] = dtype == DType.F32 ? (float) xs[i] / (float) (1 - p) : xs[i] / (1 - p);
                kept++;
            }
        }
        assertClose(expected, read(out), 0, "dropout p=" + p);
        assertEquals(1 - p, kept / (double) n, 0.02, "fraction kept");
    }

    @Test
    void zeroProbabilityCopies() {
        BufferView x = FusedTensors.random(DType.F32, new Random(62), 3, 5);
        BufferView out = FusedTensors.zeros(DType.F32, 3, 5);
        CpuDropout.dropout(x, 0, null, out);
        assertArrayEquals(read(x), read(out));
    }

    @Test
    void maskSpanningBlockBoundariesMatchesPerElementDraws() {
        DropoutKey key = new DropoutKey(99, 2, 11);
        for (int from : new int[] {0, 1, 3, 6}) {
            boolean[] keep = new boolean[13];
            CpuDropout.keepMask(key, from, 13, 0.5f, keep);
            for (int i = 0; i < 13; i++) {
                assertEquals(Philox.dropoutKeeps(key, from + i, 0.5f), keep[i], "element " + (from + i));
            }
        }
    }

    @Test
    void vectorDrawnMaskMatchesPerElementDraws() {
        // seed, layer and step with high bits set exercise every word of the counter and key
        DropoutKey key = new DropoutKey(0x9E3779B97F4A7C15L, 5, 0x1_0000_0007L);
        for (float p : new float[] {0.2f, 0.5f, 0.9f}) {
            for (int from : new int[] {0, 2, 4096}) {
                boolean[] keep = new boolean[1001];
                CpuDropout.keepMask(key, from, keep.length, p, keep);
                for (int i = 0; i < keep.length; i++) {
                    assertEquals(Philox.dropoutKeeps(key, from + i, p), keep[i], "p " + p + ", element " + (from + i));
                }
            }
        }
    }
}
