package dev.kiln.bench;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.layers.attention.TransformerEncoder;
import dev.kiln.nn.layers.attention.TransformerOptions;
import dev.kiln.nn.loss.MSELoss;
import java.util.List;

/**
 * A training step of a causal Transformer encoder: {@code layers} PyTorch-default encoder layers
 * (post-norm, ReLU, dropout 0.1, batch first) on a seeded {@code [batch, seq, dModel]} input,
 * mean-squared error against a seeded target of the same shape, and Adam. The performance table's
 * configuration ({@link #create(Backend)}) is d 128, 4 heads, feed-forward 512, 2 layers, seq 64,
 * batch 32; it is counted in steps per second.
 */
public final class TransformerTrainingStep extends TrainingStep {
    /** The encoder's size and the batch: one record so tests and quick runs can shrink it. */
    public record Config(int dModel, int heads, int feedForward, int layers, int seq, int batch) {
        public static final Config TABLE = new Config(128, 4, 512, 2, 64, 32);
    }

    /** PyTorch's default dropout for transformer layers. */
    public static final double DROPOUT = 0.1;

    private final TransformerEncoder encoder;
    private final Tensor input;
    private final Tensor target;
    private final MSELoss mse = new MSELoss();

    private TransformerTrainingStep(Backend backend, int batch, TransformerEncoder encoder, Tensor input, Tensor target) {
        super(backend, batch, encoder, List.of(input, target));
        this.encoder = encoder;
        this.input = input;
        this.target = target;
    }

    /** The table's workload ({@link Config#TABLE}). */
    public static TransformerTrainingStep create(Backend backend) {
        return create(backend, Config.TABLE);
    }

    public static TransformerTrainingStep create(Backend backend, Config c) {
        try (Backends.Use ignored = Backends.use(backend)) {
            Tensors on = Tensors.on(backend);
            TransformerOptions options = TransformerOptions.of(c.dModel(), c.heads())
                    .dimFeedforward(c.feedForward()).dropout(DROPOUT).batchFirst(true);
            TransformerEncoder encoder = new TransformerEncoder(options, c.layers(), false, new Generator(1));
            return new TransformerTrainingStep(backend, c.batch(), encoder,
                    on.randn(DType.F32, 2, c.batch(), c.seq(), c.dModel()), on.randn(DType.F32, 3, c.batch(), c.seq(), c.dModel()));
        }
    }

    @Override
    protected Tensor loss() {
        return mse.compute(encoder.forward(input, null, null, true), target);
    }

    @Override
    public Throughput throughput() {
        return Throughput.STEPS;
    }

    @Override
    public double work() {
        return 1;
    }
}
