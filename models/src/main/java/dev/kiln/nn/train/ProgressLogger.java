package dev.kiln.nn.train;

import java.io.PrintStream;

/** Prints one line per epoch: its values, wall time and throughput. */
public final class ProgressLogger implements Callback {
    private final PrintStream out;

    public ProgressLogger(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        out.println("epoch " + (result.epoch() + 1) + "/" + context.epochs() + "  " + Trainer.format(result));
    }
}
