package dev.kiln.nn;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;

/**
 * A module with one input and one output: what {@link Sequential} chains. Gradients come from
 * the tensor ops used in {@link #forward}; there is no backward to write.
 */
public abstract class Layer extends Module {
    /** Computes the output for {@code x}; records gradients when parameters or {@code x} require them. */
    public abstract Tensor forward(Tensor x);

    /**
     * Runs one forward pass on zeros of {@code inputShape} (evaluation mode, no gradients, on the
     * first parameter's backend or the current one) so that the summary knows the output shapes.
     */
    public String summary(int... inputShape) {
        boolean wasTraining = isTraining();
        eval();
        var params = parameters();
        Tensors on = params.isEmpty() ? Tensors.current() : Tensors.on(params.get(0).tensor().backend());
        try (Scope ignored = Scope.open(); Autograd.NoGrad g = Autograd.noGrad()) {
            Tensor out = forward(on.zeros(DType.F32, inputShape));
            recordOutputShape(out.shape());
        } finally {
            train(wasTraining);
        }
        return summary();
    }
}
