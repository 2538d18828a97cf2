package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scalar tile that GEMM runs before the JIT has compiled the vector kernel gives the vector kernel's bits. */
class CpuGemmKernelTest {
    @ParameterizedTest(name = "kc={0} h={1} w={2}")
    @CsvSource({"1, 12, 32", "7, 12, 32", "64, 12, 32", "33, 5, 32", "33, 12, 17", "40, 1, 1", "19, 11, 31"})
    void scalarTileMatchesVectorKernelBitForBit(int kc, int h, int w) {
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
        float alpha = 0.7f;
        if (h == mr && w == nr) {
            CpuGemmKernel.microKernel(kc, ap, 3, bp, 5, vector, 7, ldc, alpha);
        } else {
            CpuGemmKernel.edgeTile(kc, ap, 3, bp, 5, vector, 7, ldc, alpha, h, w);
        }
        CpuGemmKernel.scalarTile(kc, ap, 3, bp, 5, scalar, 7, ldc, alpha, h, w);
        for (int i = 0; i < vector.length; i++) {
            assertEquals(Float.floatToRawIntBits(vector[i]), Float.floatToRawIntBits(scalar[i]),
                    "element " + i + ": vector " + vector[i] + ", scalar " + scalar[i]);
        }
    }
}
