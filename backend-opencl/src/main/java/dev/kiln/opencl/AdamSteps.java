package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam steps kept on the host until they go as one launch of adam_steps.cl, on CPU devices: an
 * optimizer steps each parameter in turn with the same hyper-parameters, and there a launch costs
 * more to queue than a bias takes to update. Steps are kept while they share their {@link Scalars}
 * and fit the kernel's {@link #SLOTS}; the device queues them ({@link #flush}) before it queues
 * anything else, waits, or frees a buffer, so the queue's order is what single launches would give.
 */
final class AdamSteps {
    /** Parameters per launch: adam_steps.cl's slots. */
    static final int SLOTS = 8;
    /** Elements per work-item, as the run kernels of elementwise_runs.cl take them. */
    private static final int RUN_LEN = OpenClElementwise.RUN_LEN;
    private static final String FILE = "adam_steps.cl";

    /** What one launch's steps share: the element type and adam_step's scalar arguments, as computed for this step. */
    record Scalars(DType dtype, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                   double stepSize, double bias2Sqrt) {
    }

    private record Step(BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq) {
    }

    private final OpenClDevice cl;
    private final List<Step> kept = new ArrayList<>();
    private Scalars scalars;
    private long elements;
    /** Whether steps are kept: read without the lock on every queueing, which mostly finds none. */
    private volatile boolean pending;

    AdamSteps(OpenClDevice cl) {
        this.cl = cl;
    }

    /** Keeps one parameter's step (views checked by the caller: contiguous, one shape), queueing first what cannot join it. */
    void add(Scalars s, BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq) {
        boolean full;
        synchronized (this) {
            full = !kept.isEmpty() && (!s.equals(scalars) || kept.size() == SLOTS
                    || elements + param.numel() > Integer.MAX_VALUE);
        }
        if (full) {
            flush();
        }
        synchronized (this) {
            scalars = s;
            kept.add(new Step(param, grad, expAvg, expAvgSq));
            elements += param.numel();
            pending = true;
        }
    }

    /**
     * Queues the kept steps as one launch. The steps are taken out under the lock and queued
     * outside it: the launch queues through the device, which calls this again (finding none),
     * and settling a kept fill of one of their buffers takes that buffer's lock.
     */
    void flush() {
        if (!pending) {
            return;
        }
        List<Step> steps;
        Scalars s;
        synchronized (this) {
            if (kept.isEmpty()) {
                return;
            }
            steps = List.copyOf(kept);
            s = scalars;
            kept.clear();
            elements = 0;
            pending = false;
        }
        KernelCall call = cl.kernel(FILE, "adam_steps", s.dtype(), "").arg(RUN_LEN).acc(s.lr()).acc(s.beta1()).acc(s.beta2())
                .acc(s.eps()).acc(s.weightDecay()).arg(s.decoupled() ? 1 : 0).acc(s.stepSize()).acc(s.bias2Sqrt());
        int runs = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            // a slot past the last step repeats its buffers with no runs: the kernel never touches them
            Step step = steps.get(Math.min(slot, steps.size() - 1));
            int n = slot < steps.size() ? step.param().numel() : 0;
            runs += FusedArgs.ceilDiv(n, RUN_LEN);
            view(view(view(view(call, step.param()), step.grad()), step.expAvg()), step.expAvgSq()).arg(n).arg(runs);
        }
        call.launch(runs);
    }
}
