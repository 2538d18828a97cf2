package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AdamParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Adam / AdamW step for contiguous F32 operands, the common case of a training step, computed in
 * F32 like {@code torch.optim.Adam} (the general path in {@link CpuOptimizers} widens to double):
 * double-precision square roots and divisions cost several times the F32 ones. The vector lanes and
 * the scalar tail run the same F32 operations in the same order (no fused multiply-add), so every
 * element gets the same value whichever loop handles it.
 */
final class CpuAdamF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** Elements per parallel task: below this, a step is cheaper than handing work to another thread. */
    private static final int GRAIN = 1 << 17;

    private CpuAdamF32() {
    }

    /** Whether {@link #step} applies: F32 and every operand contiguous. */
    static boolean applies(BufferView... views) {
        for (BufferView v : views) {
            if (v.dtype() != DType.F32 || !v.isContiguous()) {
                return false;
            }
        }
        return true;
    }

    static void step(BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p,
                     double stepSize, double bias2Sqrt) {
        float[] w = CpuBuffer.f32(param);
        float[] g = CpuBuffer.f32(grad);
        float[] m = CpuBuffer.f32(expAvg);
        float[] v = CpuBuffer.f32(expAvgSq);
        int wo = param.layout().offset();
        int go = grad.layout().offset();
        int mo = expAvg.layout().offset();
        int vo = expAvgSq.layout().offset();
        boolean decoupled = p.decoupledWeightDecay();
        float decay = (float) (decoupled ? 1 - p.lr() * p.weightDecay() : p.weightDecay());
        float oneMinusBeta1 = (float) (1 - p.beta1());
        float beta2 = (float) p.beta2();
        float oneMinusBeta2 = (float) (1 - p.beta2());
        float bias2 = (float) bias2Sqrt;
        float eps = (float) p.eps();
        float lrt = (float) stepSize;
        CpuThreads.parallelFor(param.numel(), GRAIN, (from, to) -> {
            int i = from;
            for (; i <= to - L; i += L) {
                FloatVector d = FloatVector.fromArray(FS, g, go + i);
                FloatVector wi = FloatVector.fromArray(FS, w, wo + i);
                if (decoupled) {
                    wi = wi.mul(decay);
                } else {
                    d = d.add(wi.mul(decay));
                }
                FloatVector mi = FloatVector.fromArray(FS, m, mo + i);
                mi = mi.add(d.sub(mi).mul(oneMinusBeta1));
                FloatVector vi = FloatVector.fromArray(FS, v, vo + i).mul(beta2).add(d.mul(oneMinusBeta2).mul(d));
                FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(bias2).add(eps);
                wi.sub(mi.mul(lrt).div(denom)).intoArray(w, wo + i);
                mi.intoArray(m, mo + i);
                vi.intoArray(v, vo + i);
            }
            for (; i < to; i++) {
                float d = g[go + i];
                float wi = w[wo + i];
                if (decoupled) {
                    wi = wi * decay;
                } else {
                    d = d + wi * decay;
                }
                float mi = m[mo + i];
                mi = mi + (d - mi) * oneMinusBeta1;
                float vi = v[vo + i] * beta2 + d * oneMinusBeta2 * d;
                float denom = (float) Math.sqrt(vi) / bias2 + eps;
                w[wo + i] = wi - mi * lrt / denom;
                m[mo + i] = mi;
                v[vo + i] = vi;
            }
        });
    }
}
