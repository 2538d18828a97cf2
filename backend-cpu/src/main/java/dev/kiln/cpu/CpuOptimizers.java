package dev.kiln.cpu;

import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;
import java.util.List;

/**
 * Fused optimizer steps with the update rules of {@code torch.optim} (single-tensor, non-amsgrad,
 * non-maximize). Parameters and states are updated in place, chunk by chunk in parallel; each
 * chunk is widened to double, updated, and stored back.
 */
final class CpuOptimizers {
    private static final int CHUNK = 4096;
    /** Chunks per parallel task: smaller parameters update on the calling thread, without a handoff. */
    private static final int GRAIN_CHUNKS = 32;

    private CpuOptimizers() {
    }

    /** One chunk of one update: {@code s[k]} holds operand {@code k} (param first) for {@code n} elements. */
    private interface Update {
        void apply(double[][] s, int n);
    }

    static void sgd(BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        boolean momentum = p.momentum() != 0;
        if (momentum && momentumBuf == null) {
            throw new IllegalArgumentException("sgdStep: momentum " + p.momentum() + " needs a momentum buffer, got null");
        }
        run("sgdStep", List.of(state("param", param), input("grad", grad), state("momentumBuf", momentum ? momentumBuf : null)), (s, n) -> {
            double[] w = s[0];
            double[] g = s[1];
            for (int i = 0; i < n; i++) {
                double d = g[i] + p.weightDecay() * w[i];
                if (momentum) {
                    double[] buf = s[2];
                    buf[i] = p.firstStep() ? d : p.momentum() * buf[i] + (1 - p.dampening()) * d;
                    d = p.nesterov() ? d + p.momentum() * buf[i] : buf[i];
                }
                w[i] -= p.lr() * d;
            }
        });
    }

    static void adam(BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p) {
        if (p.step() < 1) {
            throw new IllegalArgumentException("adamStep: step counts from 1 (bias correction), got " + p.step());
        }
        double bias1 = 1 - Math.pow(p.beta1(), p.step());
        double bias2Sqrt = Math.sqrt(1 - Math.pow(p.beta2(), p.step()));
        double stepSize = p.lr() / bias1;
        List<Operand> operands = List.of(state("param", param), input("grad", grad), state("expAvg", expAvg),
                state("expAvgSq", expAvgSq));
        if (CpuAdamF32.applies(param, grad, expAvg, expAvgSq)) {
            check("adamStep", operands);
            CpuAdamF32.step(param, grad, expAvg, expAvgSq, p, stepSize, bias2Sqrt);
            return;
        }
        run("adamStep", operands, (s, n) -> {
            double[] w = s[0];
            double[] g = s[1];
            double[] m = s[2];
            double[] v = s[3];
            for (int i = 0; i < n; i++) {
                double d = g[i];
                if (p.decoupledWeightDecay()) {
                    w[i] *= 1 - p.lr() * p.weightDecay();
                } else {
                    d += p.weightDecay() * w[i];
                }
                m[i] += (d - m[i]) * (1 - p.beta1());
                v[i] = p.beta2() * v[i] + (1 - p.beta2()) * d * d;
                w[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / bias2Sqrt + p.eps());
            }
        });
    }

    static void rmsprop(BufferView param, BufferView grad, BufferView squareAvg, BufferView momentumBuf,
                        BufferView gradAvg, RmspropParams p) {
        boolean momentum = p.momentum() > 0;
        if (momentum && momentumBuf == null) {
            throw new IllegalArgumentException("rmspropStep: momentum " + p.momentum() + " needs a momentum buffer, got null");
        }
        if (p.centered() && gradAvg == null) {
            throw new IllegalArgumentException("rmspropStep: centered RMSprop needs a gradient average buffer, got null");
        }
        run("rmspropStep", List.of(state("param", param), input("grad", grad), state("squareAvg", squareAvg),
                state("momentumBuf", momentum ? momentumBuf : null), state("gradAvg", p.centered() ? gradAvg : null)), (s, n) -> {
            double[] w = s[0];
            double[] g = s[1];
            double[] sq = s[2];
            for (int i = 0; i < n; i++) {
                double d = g[i] + p.weightDecay() * w[i];
                sq[i] = p.alpha() * sq[i] + (1 - p.alpha()) * d * d;
                double avg;
                if (p.centered()) {
                    double[] ga = s[4];
                    ga[i] += (d - ga[i]) * (1 - p.alpha());
                    avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + p.eps();
                } else {
                    avg = Math.sqrt(sq[i]) + p.eps();
                }
                if (momentum) {
                    double[] buf = s[3];
                    buf[i] = p.momentum() * buf[i] + d / avg;
                    w[i] -= p.lr() * buf[i];
                } else {
                    w[i] -= p.lr() * d / avg;
                }
            }
        });
    }

    static void adagrad(BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        if (p.step() < 1) {
            throw new IllegalArgumentException("adagradStep: step counts from 1, got " + p.step());
        }
        double clr = p.lr() / (1 + (p.step() - 1) * p.lrDecay());
        run("adagradStep", List.of(state("param", param), input("grad", grad), state("stateSum", stateSum)), (s, n) -> {
            double[] w = s[0];
            double[] g = s[1];
            double[] sum = s[2];
            for (int i = 0; i < n; i++) {
                double d = g[i] + p.weightDecay() * w[i];
                sum[i] += d * d;
                w[i] -= clr * d / (Math.sqrt(sum[i]) + p.eps());
            }
        });
    }

    static void adadelta(BufferView param, BufferView grad, BufferView squareAvg, BufferView accDelta, AdadeltaParams p) {
        run("adadeltaStep", List.of(state("param", param), input("grad", grad), state("squareAvg", squareAvg),
                state("accDelta", accDelta)), (s, n) -> {
            double[] w = s[0];
            double[] g = s[1];
            double[] sq = s[2];
            double[] acc = s[3];
            for (int i = 0; i < n; i++) {
                double d = g[i] + p.weightDecay() * w[i];
                sq[i] = p.rho() * sq[i] + (1 - p.rho()) * d * d;
                double delta = Math.sqrt(acc[i] + p.eps()) / Math.sqrt(sq[i] + p.eps()) * d;
                acc[i] = p.rho() * acc[i] + (1 - p.rho()) * delta * delta;
                w[i] -= p.lr() * delta;
            }
        });
    }

    /** One operand of an update; {@code view} is null for state the settings leave unused. */
    private record Operand(String name, BufferView view, boolean written) {
    }

    private static Operand state(String name, BufferView view) {
        return new Operand(name, view, true);
    }

    private static Operand input(String name, BufferView view) {
        return new Operand(name, view, false);
    }

    /** One dtype (F32 or F64) for all operands, each of the param's shape. */
    private static void check(String op, List<Operand> operands) {
        BufferView param = operands.get(0).view();
        CpuFusedChecks.floating(op, param, operands.stream().map(Operand::view).toArray(BufferView[]::new));
        for (Operand o : operands) {
            if (o.view() != null) {
                CpuFusedChecks.shape(op, o.name(), o.view(), param.shape().toArray());
            }
        }
    }

    /**
     * Checks the operands (param first), then applies {@code update} chunk by chunk, storing back
     * the written ones; {@code s[k]} of a chunk holds operand {@code k}.
     */
    private static void run(String op, List<Operand> operands, Update update) {
        check(op, operands);
        int numel = operands.get(0).view().numel();
        CpuThreads.parallelFor((numel + CHUNK - 1) / CHUNK, GRAIN_CHUNKS, (fromChunk, toChunk) -> {
            double[][] s = new double[operands.size()][CHUNK];
            for (int c = fromChunk; c < toChunk; c++) {
                int from = c * CHUNK;
                int n = Math.min(CHUNK, numel - from);
                for (int k = 0; k < operands.size(); k++) {
                    if (operands.get(k).view() != null) {
                        CpuWidened.load(operands.get(k).view(), from, s[k], 0, n);
                    }
                }
                update.apply(s, n);
                for (int k = 0; k < operands.size(); k++) {
                    Operand o = operands.get(k);
                    if (o.view() != null && o.written()) {
                        CpuWidened.store(o.view(), from, s[k], 0, n);
                    }
                }
            }
        });
    }
}
