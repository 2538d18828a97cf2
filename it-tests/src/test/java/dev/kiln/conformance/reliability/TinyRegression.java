package dev.kiln.conformance.reliability;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.params.SgdParams;

/**
 * A two-layer perceptron fitted to a fixed random regression batch with plain SGD through the
 * backend's fused step: the smallest training loop that exercises forward, backward and update.
 */
final class TinyRegression implements AutoCloseable {
    private static final SgdParams SGD = new SgdParams(0.05, 0, 0, 0, false, false);

    private final Backend backend;
    private final Tensor[] params;
    private final Tensor x;
    private final Tensor y;

    TinyRegression(Backend backend, long seed) {
        this.backend = backend;
        Tensors on = Tensors.on(backend);
        try (Scope scope = Scope.open()) {
            params = new Tensor[] {
                    scope.keep(on.randn(DType.F32, seed, 16, 32).mul(0.25)).detachFromScopes().requiresGrad(true),
                    scope.keep(on.zeros(DType.F32, 32)).detachFromScopes().requiresGrad(true),
                    scope.keep(on.randn(DType.F32, seed + 1, 32, 4).mul(0.25)).detachFromScopes().requiresGrad(true)};
            x = scope.keep(on.randn(DType.F32, seed + 2, 8, 16)).detachFromScopes();
            y = scope.keep(on.randn(DType.F32, seed + 3, 8, 4)).detachFromScopes();
        }
    }

    /** One forward, backward and SGD update; returns the loss before the update. */
    double step() {
        double loss;
        try (Scope ignored = Scope.open()) {
            Tensor hidden = x.matmul(params[0]).add(params[1]).relu();
            Tensor l = Functional.mseLoss(hidden.matmul(params[2]), y);
            l.backward();
            loss = l.item();
        }
        for (Tensor p : params) {
            backend.sgdStep(p.view(), p.grad().view(), null, SGD);
            p.zeroGrad();
        }
        return loss;
    }

    float[][] parameters() {
        float[][] out = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            out[i] = params[i].toFloatArray();
        }
        return out;
    }

    /** Trains a fresh model for {@code steps} steps and returns its parameters. */
    static float[][] train(Backend backend, long seed, int steps) {
        try (TinyRegression model = new TinyRegression(backend, seed)) {
            for (int i = 0; i < steps; i++) {
                model.step();
            }
            return model.parameters();
        }
    }

    @Override
    public void close() {
        for (Tensor p : params) {
            p.close();
        }
        x.close();
        y.close();
    }
}
