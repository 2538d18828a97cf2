package dev.kiln.bench;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.Optimizer;
import dev.kiln.nn.optim.ParamGroup;
import java.util.List;

/**
 * One training step of a model on a fixed batch that already lives on the device: forward, loss,
 * backward, Adam step, then a device synchronisation. Reusing one batch keeps data loading and
 * host transfers out of the figure, as the PyTorch peer does (benchmarks/peers/peers.py).
 */
public abstract class TrainingStep implements Workloads.Workload {
    /** Adam's learning rate in every training-step workload (the reference recipes' rate). */
    public static final double LEARNING_RATE = 1e-3;
    private static final long DROPOUT_SEED = 7;

    protected final Backend backend;
    private final int batch;
    private final Module model;
    private final Optimizer optimizer;
    private final List<Tensor> batchTensors;

    /** Takes ownership of {@code model} and of the batch tensors (closed with this workload). */
    protected TrainingStep(Backend backend, int batch, Module model, List<Tensor> batchTensors) {
        this.backend = backend;
        this.batch = batch;
        this.model = model;
        this.batchTensors = List.copyOf(batchTensors);
        Dropout.assignKeys(model, DROPOUT_SEED);
        model.train();
        this.optimizer = new Adam(ParamGroup.of(model), LEARNING_RATE);
    }

    /** The forward pass and the scalar loss, built inside the step's scope. */
    protected abstract Tensor loss();

    @Override
    public final void run() {
        try (Scope ignored = Scope.open()) {
            loss().backward();
            optimizer.step();
            optimizer.zeroGrad();
        }
        backend.synchronize();
    }

    /** Samples per run by default; a workload counted in steps overrides this and {@link #work()}. */
    @Override
    public Throughput throughput() {
        return Throughput.SAMPLES;
    }

    @Override
    public double work() {
        return batch;
    }

    public int batch() {
        return batch;
    }

    public Module model() {
        return model;
    }

    @Override
    public void close() {
        optimizer.close();
        model.close();
        batchTensors.forEach(Tensor::close);
    }
}
