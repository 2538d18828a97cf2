package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/** One parameter's optimizer state: named buffers shaped like the parameter, and its step count. */
public final class ParamState {
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private long step;

    /** The buffer called {@code name}, created as zeros like {@code param} (owned by the optimizer) on first use. */
    public Tensor buffer(String name, Tensor param) {
        return buffers.computeIfAbsent(name,
                n -> Tensors.on(param.backend()).zeros(param.dtype(), param.shape().toArray()).detachFromScopes());
    }

    /** Whether the buffer exists yet (e.g. SGD's momentum on its first step). */
    public boolean has(String name) {
        return buffers.containsKey(name);
    }

    /** The number of steps taken, including the current one while {@code update} runs (counts from 1). */
    public long step() {
        return step;
    }

    void advance() {
        step++;
    }

    void restore(long steps, Map<String, Tensor> values) {
        close();
        step = steps;
        buffers.putAll(values);
    }

    Map<String, Tensor> buffers() {
        return buffers;
    }

    void close() {
        buffers.values().forEach(Tensor::close);
        buffers.clear();
    }
}
