package dev.kiln.conformance;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 20-step trajectories of every fused optimizer step against torch.optim: each step is fed the
 * gradient PyTorch saw at that step, and the parameters after every step are compared.
 */
@ExtendWith(ConformanceExtension.class)
class OptimizerConformanceTest {
    static Stream<Arguments> cases() {
        List<Golden.GoldenCase> golden = Golden.load("optimizers");
        return Targets.floating().flatMap(t -> golden.stream().map(g -> Arguments.of(t, g)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void trajectoryMatchesPyTorch(Target target, Golden.GoldenCase g) {
        Case c = Case.start(target, opOf(g));
        double[] trajectory = run(c.tensors(), c, g);
        int steps = g.tensor("trajectory").dim(0);
        int size = g.tensor("trajectory").dim(1);
        double[] expected = g.tensor("trajectory").data();
        Tolerance tol = Tolerance.compound(c.dtype(), steps);
        for (int s = 0; s < steps; s++) {
            c.check(g.name() + " after step " + (s + 1), Arrays.copyOfRange(expected, s * size, (s + 1) * size),
                    Arrays.copyOfRange(trajectory, s * size, (s + 1) * size), tol);
        }
        if (!target.isCpu() && SuiteBackends.cpu() != null) {
            Scope cpuTensors = Scope.open();
            try {
                c.check(g.name() + " vs cpu", run(Tensors.on(SuiteBackends.cpu()), c, g), trajectory, tol);
            } finally {
                cpuTensors.close();
            }
        }
    }

    private static Op opOf(Golden.GoldenCase g) {
        return switch ((String) g.param("optimizer")) {
            case "SGD" -> Op.SGD_STEP;
            case "Adam", "AdamW" -> Op.ADAM_STEP;
            case "RMSprop" -> Op.RMSPROP_STEP;
            case "Adagrad" -> Op.ADAGRAD_STEP;
            case "Adadelta" -> Op.ADADELTA_STEP;
            default -> throw new IllegalArgumentException("unknown optimizer in golden case " + g.name());
        };
    }

    /** Replays the golden gradients through the backend's step op; returns the parameters after every step, row by row. */
    private static double[] run(Tensors t, Case c, Golden.GoldenCase g) {
        HostTensor grads = g.tensor("grads");
        int steps = grads.dim(0);
        int size = grads.dim(1);
        Tensor param = t.of(c.dtype(), g.tensor("param0").data(), size);
        Tensor a = t.zeros(c.dtype(), size);
        Tensor b = t.zeros(c.dtype(), size);
        Tensor d = t.zeros(c.dtype(), size);
        double[] trajectory = new double[steps * size];
        for (int s = 0; s < steps; s++) {
            Tensor grad = t.of(c.dtype(), Arrays.copyOfRange(grads.data(), s * size, (s + 1) * size), size);
            step(t, g, s + 1, param, grad, a, b, d);
            System.arraycopy(param.toDoubleArray(), 0, trajectory, s * size, size);
            grad.close();
        }
        return trajectory;
    }

    private static void step(Tensors t, Golden.GoldenCase g, int step, Tensor param, Tensor grad, Tensor a, Tensor b, Tensor d) {
        double lr = g.number("lr");
        double wd = g.number("weight_decay", 0);
        switch ((String) g.param("optimizer")) {
            case "SGD" -> {
                double momentum = g.number("momentum", 0);
                t.backend().sgdStep(param.view(), grad.view(), momentum == 0 ? null : a.view(),
                        new SgdParams(lr, momentum, g.number("dampening", 0), wd, g.flag("nesterov"), step == 1));
            }
            case "Adam", "AdamW" -> {
                @SuppressWarnings("unchecked")
                List<Object> betas = (List<Object>) g.param("betas");
                t.backend().adamStep(param.view(), grad.view(), a.view(), b.view(), new AdamParams(lr,
                        ((Number) betas.get(0)).doubleValue(), ((Number) betas.get(1)).doubleValue(), g.number("eps"), wd,
                        "AdamW".equals(g.param("optimizer")), step));
            }
            case "RMSprop" -> {
                double momentum = g.number("momentum", 0);
                boolean centered = g.flag("centered");
                t.backend().rmspropStep(param.view(), grad.view(), a.view(), momentum == 0 ? null : b.view(),
                        centered ? d.view() : null, new RmspropParams(lr, g.number("alpha"), g.number("eps"), wd, momentum, centered));
            }
            case "Adagrad" -> t.backend().adagradStep(param.view(), grad.view(), a.view(),
                    new AdagradParams(lr, g.number("lr_decay", 0), wd, g.number("eps"), step));
            case "Adadelta" -> t.backend().adadeltaStep(param.view(), grad.view(), a.view(), b.view(),
                    new AdadeltaParams(lr, g.number("rho"), g.number("eps"), wd));
            default -> throw new IllegalArgumentException("unknown optimizer in golden case " + g.name());
        }
    }
}
