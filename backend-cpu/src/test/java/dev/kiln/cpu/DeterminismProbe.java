package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.cpu.StridedViews.Kind;
import java.util.Arrays;
import java.util.Random;

/** Prints the pool size and hashes of large sgemm, matmul and reduction results (run by {@link ThreadCountDeterminismTest}). */
public final class DeterminismProbe {
    private DeterminismProbe() {
    }

    public static void main(String[] args) {
        Random rnd = new Random(5);
        int m = 301;
        int n = 257;
        int k = 700;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        float[] c = new float[m * n];
        CpuGemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
        double[] da = new double[m * k];
        Arrays.setAll(da, i -> a[i]);
        double[] dc = new double[m * m];
        CpuGemm.dgemm(false, true, m, m, k, 1.0, da, 0, k, da, 0, k, 0.0, dc, 0, m);
        BufferView x = StridedViews.random(DType.F32, Kind.TRANSPOSED, rnd, 64, 3000);
        BufferView sums = StridedViews.zeros(DType.F32, 64, 1);
        CpuReduce.reduce(ReduceOp.SUM, x, new int[] {1}, sums);
        BufferView total = StridedViews.zeros(DType.F32, 1, 1);
        CpuReduce.reduce(ReduceOp.SUM, x, new int[] {0, 1}, total);
        BufferView batched = StridedViews.random(DType.F32, Kind.CONTIGUOUS, rnd, 8, 40, 50);
        BufferView product = StridedViews.zeros(DType.F32, 8, 40, 40);
        CpuMatmul.matmul(batched, new BufferView(batched.buffer(), batched.layout().transpose(1, 2)), product);
        System.out.println(CpuThreads.parallelism() + " " + Arrays.hashCode(c) + " " + Arrays.hashCode(dc) + " "
                + Arrays.hashCode(CpuBuffer.f32(sums)) + " " + Arrays.hashCode(CpuBuffer.f32(total)) + " "
                + Arrays.hashCode(CpuBuffer.f32(product)));
    }
}
