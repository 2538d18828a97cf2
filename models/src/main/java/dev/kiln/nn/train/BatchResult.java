package dev.kiln.nn.train;

import dev.kiln.api.Tensor;
import dev.kiln.nn.data.Batch;

/**
 * One training step that has just ended (after the optimizer step), as {@link Callback#onBatchEnd}
 * sees it. Its tensors belong to the step's {@link dev.kiln.api.Scope} and are freed when the
 * callback returns: read what you need inside the call.
 */
public final class BatchResult {
    private final long globalStep;
    private final int epoch;
    private final int batch;
    private final Batch data;
    private final Tensor output;
    private final Tensor objective;
    private double loss = Double.NaN;
    private boolean lossRead;

    BatchResult(long globalStep, int epoch, int batch, Batch data, Tensor output, Tensor objective) {
        this.globalStep = globalStep;
        this.epoch = epoch;
        this.batch = batch;
        this.data = data;
        this.output = output;
        this.objective = objective;
    }

    /** Optimizer steps taken in the run so far, this one included (1 after the first step of a run). */
    public long globalStep() {
        return globalStep;
    }

    /** The epoch, 0-based as in {@link EpochResult#epoch()}. */
    public int epoch() {
        return epoch;
    }

    /** The batch's index in its epoch, 0-based. */
    public int batch() {
        return batch;
    }

    /** Examples in the batch. */
    public int size() {
        return data.size();
    }

    /** The model's output for the batch, detached from the tape. */
    public Tensor output() {
        return output;
    }

    public Tensor targets() {
        return data.targets();
    }

    /**
     * The batch's training objective (loss plus penalties), read from the device on the first call
     * only, so a callback that never asks costs no device synchronisation.
     */
    public double loss() {
        if (!lossRead) {
            loss = objective.item();
            lossRead = true;
        }
        return loss;
    }
}
