package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scalar tile that GEMM runs before the JIT has compiled the vector kernel gives the vector kernel's bits,
 * accumulating into C and overwriting it (beta 0), and overwriting gives the bits of accumulating onto zeros.
 */
class CpuGemmKernelTest {
    @ParameterizedTest(name = "kc={0} h={1} w={2} overwrite={3}")
    @CsvSource({"1, 12, 32, false", "7, 12, 32, false", "64, 12, 32, false", "33, 5, 32, false", "33, 12, 17, false",
        "40, 1, 1, false", "19, 11, 31, false", "64, 12, 32, true", "33, 5, 32, true", "19, 11, 31, true"})
    void scalarTileMatchesVectorKernelBitForBit(int kc, int h, int w, boolean overwrite) {
        int mr = CpuGemmKernel.MR;
        int nr = CpuGemmKernel.NR;
        Random rnd = new Random(1000L * kc + 10L * h + w);
        float[] ap = new float[3 + mr * kc];
        float[] bp = new float[5 + nr * kc];
        for (int i = 0; i < ap.length; i++) {
            ap[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < bp.length; i++) {
            bp[i] = (float) rnd.nextGaussian();
        }
        int ldc = nr + 3;
        float[] vector = new float[7 + mr * ldc];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) rnd.nextGaussian();
        }
        float[] scalar = vector.clone();
        // the tile's old values cleared, for accumulating onto zeros
        float[] cleared = vector.clone();
        for (int i = 0; i < h; i++) {
            Arrays.fill(cleared, 7 + i * ldc, 7 + i * ldc + w, 0f);
        }
        float alpha = 0.7f;
        if (h == mr && w == nr && overwrite) {
            CpuGemmKernel.microKernel(kc, ap, 3, bp, 5, CpuGemmKernel.ZERO_ROW, 0, 0, vector, 7, ldc, alpha);
        } else if (h == mr && w == nr) {
            CpuGemmKernel.microKernel(kc, ap, 3, bp, 5, vector, 7, ldc, alpha);
        } else {
            CpuGemmKernel.edgeTile(kc, ap, 3, bp, 5, vector, 7, ldc, alpha, h, w, overwrite);
        }
        CpuGemmKernel.scalarTile(kc, ap, 3, bp, 5, scalar, 7, ldc, alpha, h, w, overwrite);
        CpuGemmKernel.scalarTile(kc, ap, 3, bp, 5, cleared, 7, ldc, alpha, h, w, false);
        for (int i = 0; i < vector.length; i++) {
            assertEquals(Float.floatToRawIntBits(vector[i]), Float.floatToRawIntBits(scalar[i]),
                    "element " + i + ": vector " + vector[i] + ", scalar " + scalar[i]);
            if (overwrite) {
                assertEquals(Float.floatToRawIntBits(cleared[i]), Float.floatToRawIntBits(vector[i]),
                        "element " + i + ": overwritten " + vector[i] + ", onto zeros " + cleared[i]);
            }
        }
    }
}
