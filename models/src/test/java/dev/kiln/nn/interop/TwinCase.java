package dev.kiln.nn.interop;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import java.util.Map;
import java.util.function.Function;

/**
 * A Kiln layer and its PyTorch twin in models/golden/pytorch_interop.py: the case name (the
 * fixtures' file stem), how to build the Kiln side, and how to run it on the named inputs.
 */
record TwinCase(String name, Function<Generator, Module> create, Run run) {
    /** The named outputs of one forward, as the PyTorch twin names them. */
    @FunctionalInterface
    interface Run {
        Map<String, Tensor> apply(Module model, Map<String, Tensor> inputs);
    }

    boolean isBatchNorm() {
        return name.startsWith("batchnorm");
    }

    @Override
    public String toString() {
        return name;
    }
}
