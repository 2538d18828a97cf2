package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;

/**
 * Prints hashes of the vector exp and tanh, the double dot product, F32 conv2d (forward and both
 * gradients, direct path) and max pooling, and the F32 row kernels of a transformer step over fixed inputs, computed {@code args[0]} times in a row
 * (the last round counts), for {@link JitDeterminismTest}.
 */
public final class JitDeterminismProbe {
    private JitDeterminismProbe() {
    }

    public static void main(String[] args) {
        SplittableRandom rnd = new SplittableRandom(9);
        int l = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[64 * l];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-90, 89);
        }
        double[] a = new double[203];
        double[] b = new double[203];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextDouble(-1, 1) * Math.exp(rnd.nextDouble(-30, 30));
            b[i] = rnd.nextDouble(-1, 1);
        }
        float[] e = new float[x.length];
        float[] t = new float[x.length];
        double[] dots = new double[a.length];
        Random random = new Random(10);
        Conv2dParams conv = Conv2dParams.of(1, 1);
        BufferView image = FusedTensors.random(DType.F32, random, 2, 2, 6, 20);
        BufferView weight = FusedTensors.random(DType.F32, random, 5, 2, 3, 3);
        BufferView bias = FusedTensors.random(DType.F32, random, 5);
        BufferView convOut = FusedTensors.zeros(DType.F32, 2, 5, 6, 20);
        BufferView dImage = FusedTensors.zeros(DType.F32, 2, 2, 6, 20);
        BufferView dWeight = FusedTensors.zeros(DType.F32, 5, 2, 3, 3);
        BufferView pooled = FusedTensors.zeros(DType.F32, 2, 5, 3, 10);
        BufferView pooledAt = FusedTensors.zeros(DType.I32, 2, 5, 3, 10);
        RowKernels rows = new RowKernels(random);
        for (int round = Integer.parseInt(args[0]); round > 0; round--) {
            for (int i = 0; i < x.length; i += l) {
                FloatVector v = FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i);
                CpuExpF32.exp(v).intoArray(e, i);
                CpuTanhF32.tanh(v.mul(0.1f)).intoArray(t, i);
            }
            for (int n = 0; n < a.length; n++) {
                dots[n] = CpuDoubleVectors.dot(a, 0, b, 0, n);
            }
            CpuConv2d.forward(image, weight, bias, conv, convOut);
            CpuConv2d.backwardInput(convOut, weight, conv, dImage);
            CpuConv2d.backwardWeight(convOut, image, conv, dWeight);
            CpuPool2d.max(convOut, Pool2dParams.of(2, 2), pooled, pooledAt);
            rows.run();
        }
        System.out.println(Arrays.hashCode(e) + " " + Arrays.hashCode(t) + " " + Arrays.hashCode(dots) + " "
                + Arrays.hashCode(FusedTensors.read(convOut)) + " " + Arrays.hashCode(FusedTensors.read(dImage)) + " "
                + Arrays.hashCode(FusedTensors.read(dWeight)) + " " + Arrays.hashCode(FusedTensors.read(pooled)) + " " + rows.hash());
    }

    /** The F32 row kernels of a transformer step: softmax and layer norm with their gradients, dropout, ReLU's where and compare. */
    private static final class RowKernels {
        private final BufferView scores;
        private final BufferView probs;
        private final BufferView dScores;
        private final BufferView x;
        private final BufferView gamma;
        private final BufferView beta;
        private final BufferView normed;
        private final BufferView mean;
        private final BufferView rstd;
        private final BufferView dx;
        private final BufferView dropped;
        private final BufferView positive;
        private final BufferView relued;
        private final BufferView zero;

        RowKernels(Random random) {
            scores = FusedTensors.random(DType.F32, random, 3, 67);
            probs = FusedTensors.zeros(DType.F32, 3, 67);
            dScores = FusedTensors.zeros(DType.F32, 3, 67);
            x = FusedTensors.random(DType.F32, random, 3, 133);
            gamma = FusedTensors.random(DType.F32, random, 133);
            beta = FusedTensors.random(DType.F32, random, 133);
            normed = FusedTensors.zeros(DType.F32, 3, 133);
            mean = FusedTensors.zeros(DType.F32, 3);
            rstd = FusedTensors.zeros(DType.F32, 3);
            dx = FusedTensors.zeros(DType.F32, 3, 133);
            dropped = FusedTensors.zeros(DType.F32, 3, 133);
            positive = FusedTensors.zeros(DType.BOOL, 3, 133);
            relued = FusedTensors.zeros(DType.F32, 3, 133);
            zero = new BufferView(new CpuBuffer(DType.F32, 1), new Layout(Shape.of(3, 133), new int[] {0, 0}, 0));
        }

        void run() {
            CpuSoftmax.softmax(scores, probs, false);
            CpuSoftmax.backward(probs, scores, dScores, false);
            CpuLayerNorm.forward(x, gamma, beta, 1e-5, normed, mean, rstd);
            CpuLayerNorm.backward(normed, x, gamma, mean, rstd, dx, null, null);
            CpuDropout.dropout(x, 0.1, new DropoutKey(3, 1, 2), dropped);
            CpuElementwise.binary(BinaryOp.GT, x, zero, positive);
            CpuElementwise.where(positive, dx, zero, relued);
        }

        int hash() {
            return Arrays.hashCode(new int[] {Arrays.hashCode(FusedTensors.read(probs)), Arrays.hashCode(FusedTensors.read(dScores)),
                Arrays.hashCode(FusedTensors.read(normed)), Arrays.hashCode(FusedTensors.read(mean)), Arrays.hashCode(FusedTensors.read(rstd)),
                Arrays.hashCode(FusedTensors.read(dx)), Arrays.hashCode(FusedTensors.read(dropped)), Arrays.hashCode(FusedTensors.read(relued))});
        }
    }
}
