package dev.kiln.nn.loss;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.nn.Parameter;
import java.util.List;

/**
 * Gradient clipping between {@code backward()} and the optimizer step, as PyTorch's
 * {@code clip_grad_norm_} and {@code clip_grad_value_}. Everything stays on the device: the
 * scale factor is a tensor, so clipping costs no host round trip.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (norm + 1e-6))}, where {@code norm} is the L2
     * norm of all gradients together; returns that norm (a scalar tensor; read it with {@code item()}).
     * Parameters without a gradient are skipped; returns null when none has one.
     */
    public static Tensor byGlobalNorm(List<Parameter> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("byGlobalNorm: maxNorm must be > 0, got " + maxNorm);
        }
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor sumSq = null;
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    Tensor s = g.square().sum();
                    sumSq = sumSq == null ? s : sumSq.add(s);
                }
            }
            if (sumSq == null) {
                return null;
            }
            Tensor norm = sumSq.sqrt();
            Tensor coef = norm.add(1e-6).reciprocal().mul(maxNorm).minimum(1.0);
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    Tensor c = coef.to(g.dtype()).expandTo(g.shape());
                    g.backend().binary(BinaryOp.MUL, g.view(), c.view(), g.view());
                }
            }
            return scope.keep(norm);
        }
    }

    /** Clamps every gradient element into {@code [-clip, clip]} in place. */
    public static void byValue(List<Parameter> parameters, double clip) {
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("byValue: clip must be >= 0, got " + clip);
        }
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    Tensor clamped = g.clamp(-clip, clip);
                    clamped.copyInto(g);
                    clamped.close();
                }
            }
        }
    }
}
