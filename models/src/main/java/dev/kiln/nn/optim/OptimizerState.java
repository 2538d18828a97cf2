package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of an optimizer, for checkpoints: the state tensors by {@code paramName.bufferName}
 * (copies, owned by this object: {@link #close()} frees them), each parameter's step count, and
 * each group's learning rate.
 */
public record OptimizerState(Map<String, Tensor> tensors, Map<String, Long> steps, double[] learningRates)
        implements AutoCloseable {
    public OptimizerState {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        learningRates = learningRates.clone();
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
    }
}
