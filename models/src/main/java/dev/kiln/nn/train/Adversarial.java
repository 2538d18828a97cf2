package dev.kiln.nn.train;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.loss.Loss;
import java.util.ArrayList;
import java.util.List;

/** Adversarial examples by the fast gradient sign method (Goodfellow et al., 2015) and the adversarial training objective. */
public final class Adversarial {
    private Adversarial() {
    }

    /**
     * {@code x + epsilon * sign(d loss(model(x), y) / dx)}: the input gradient comes from marking a
     * copy of {@code x} {@code requiresGrad}; the parameters are frozen meanwhile, so their
     * gradients are untouched. The result is a new tensor without gradient.
     */
    public static Tensor fgsm(Layer model, Loss loss, Tensor x, Tensor y, double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("fgsm: epsilon must be >= 0, got " + epsilon);
        }
        List<Parameter> frozen = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (p.tensor().requiresGrad()) {
                p.tensor().requiresGrad(false);
                frozen.add(p);
            }
        }
        Tensor probe = x.detach().requiresGrad(true);
        try (Scope scope = Scope.open()) {
            loss.compute(model.forward(probe), y).backward();
            return scope.keep(x.detach().add(probe.grad().sign().mul(epsilon)));
        } finally {
            probe.close();
            frozen.forEach(p -> p.tensor().requiresGrad(true));
        }
    }

    /**
     * The adversarial training objective {@code alpha * loss(x) + (1 - alpha) * loss(fgsm(x))}
     * (Goodfellow et al. use alpha 0.5); differentiate it as any loss.
     */
    public static Tensor trainingLoss(Layer model, Loss loss, Tensor x, Tensor y, double epsilon, double alpha) {
        Tensor adversarial = fgsm(model, loss, x, y, epsilon);
        Tensor clean = loss.compute(model.forward(x), y).mul(alpha);
        return clean.add(loss.compute(model.forward(adversarial), y).mul(1 - alpha));
    }
}
