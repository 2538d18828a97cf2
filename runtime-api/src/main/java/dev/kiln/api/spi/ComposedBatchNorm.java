package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.ADD;
import static dev.kiln.api.spi.BinaryOp.DIV;
import static dev.kiln.api.spi.BinaryOp.MUL;
import static dev.kiln.api.spi.BinaryOp.SUB;

import dev.kiln.api.errors.ShapeMismatchException;

/**
 * Batch norm of {@code x [n, c, s...]} per channel, composed from tier-1 ops: {@code x} is seen as
 * {@code [n, c, s]} and every statistic as {@code [1, c, 1]}, reduced over axes 0 and 2.
 */
final class ComposedBatchNorm {
    private static final int[] BATCH_AND_SPATIAL = {0, 2};

    private ComposedBatchNorm() {
    }

    static void forward(PrimitiveOps ops, BufferView x, BufferView weight, BufferView bias, BufferView runningMean,
                        BufferView runningVar, boolean training, double momentum, double eps,
                        BufferView out, BufferView saveMean, BufferView saveInvStd) {
        String op = "batchNorm";
        ComposedChecks.floating(op, x, weight, bias, runningMean, runningVar, out, saveMean, saveInvStd);
        int[] g = geometry(op, x);
        int c = g[1];
        ComposedChecks.shape(op, "out", out, x.shape().toArray());
        for (BufferView v : new BufferView[] {weight, bias, runningMean, runningVar, saveMean, saveInvStd}) {
            ComposedChecks.numel(op, "a per-channel operand", v, c, "one per channel");
        }
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException(op + ": evaluation mode normalises with the running statistics, "
                    + "but runningMean or runningVar is null; pass them or use training mode");
        }
        long count = (long) g[0] * g[2];
        if (training && count <= 1) {
            throw new ShapeMismatchException(op + ": training needs more than one value per channel, x has shape "
                    + x.shape() + " (" + count + " per channel)");
        }
        BufferView mean = channel(saveMean, c);
        BufferView invStd = channel(saveInvStd, c);
        try (Scratch s = new Scratch(ops)) {
            if (training) {
                BufferView x3 = Views.reshape(x, g);
                s.binaryInto(DIV, s.reduce(ReduceOp.SUM, x3, BATCH_AND_SPATIAL), s.constant(x.dtype(), count, mean.shape()), mean);
                BufferView sq = s.reduce(ReduceOp.SUM, s.unary(UnaryOp.SQUARE, s.binary(SUB, x3, mean)), BATCH_AND_SPATIAL);
                ops.unary(UnaryOp.RSQRT, s.binary(ADD, s.binary(DIV, sq, count), eps), invStd);
                if (runningMean != null) {
                    blend(s, channel(runningMean, c), mean, momentum);
                }
                if (runningVar != null) {
                    blend(s, channel(runningVar, c), s.binary(DIV, sq, count - 1), momentum);
                }
            } else {
                ops.copy(channel(runningMean, c), mean);
                ops.unary(UnaryOp.RSQRT, s.binary(ADD, channel(runningVar, c), eps), invStd);
            }
            BufferView xhat = s.binary(MUL, s.binary(SUB, Views.reshape(x, g), mean), invStd);
            BufferView scaled = weight == null ? xhat : s.binary(MUL, xhat, channel(weight, c));
            BufferView out3 = Views.reshape(out, g);
            if (bias == null) {
                ops.copy(scaled, out3);
            } else {
                s.binaryInto(ADD, scaled, channel(bias, c), out3);
            }
        }
    }

    /**
     * Training: {@code dx = invStd * (gy - mean(gy) - xhat * mean(gy*xhat))} with {@code gy = dy*weight},
     * since the batch statistics depend on x; evaluation: {@code dx = gy * invStd}.
     */
    static void backward(PrimitiveOps ops, BufferView dy, BufferView x, BufferView weight, BufferView saveMean,
                         BufferView saveInvStd, boolean training, BufferView dx, BufferView dweight, BufferView dbias) {
        String op = "batchNormBackward";
        ComposedChecks.floating(op, x, dy, weight, saveMean, saveInvStd, dx, dweight, dbias);
        int[] g = geometry(op, x);
        int c = g[1];
        ComposedChecks.shape(op, "dy", dy, x.shape().toArray());
        ComposedChecks.shape(op, "dx", dx, x.shape().toArray());
        for (BufferView v : new BufferView[] {weight, saveMean, saveInvStd, dweight, dbias}) {
            ComposedChecks.numel(op, "a per-channel operand", v, c, "one per channel");
        }
        long count = (long) g[0] * g[2];
        BufferView invStd = channel(saveInvStd, c);
        try (Scratch s = new Scratch(ops)) {
            BufferView dy3 = Views.reshape(dy, g);
            BufferView xhat = s.binary(MUL, s.binary(SUB, Views.reshape(x, g), channel(saveMean, c)), invStd);
            if (dbias != null) {
                ops.reduce(ReduceOp.SUM, dy3, BATCH_AND_SPATIAL, channel(dbias, c));
            }
            if (dweight != null) {
                ops.reduce(ReduceOp.SUM, s.binary(MUL, dy3, xhat), BATCH_AND_SPATIAL, channel(dweight, c));
            }
            BufferView gy = weight == null ? dy3 : s.binary(MUL, dy3, channel(weight, c));
            BufferView dx3 = Views.reshape(dx, g);
            if (!training || count == 0) {
                s.binaryInto(MUL, gy, invStd, dx3);
                return;
            }
            BufferView meanG = s.binary(DIV, s.reduce(ReduceOp.SUM, gy, BATCH_AND_SPATIAL), count);
            BufferView meanGx = s.binary(DIV, s.reduce(ReduceOp.SUM, s.binary(MUL, gy, xhat), BATCH_AND_SPATIAL), count);
            BufferView inner = s.binary(SUB, s.binary(SUB, gy, meanG), s.binary(MUL, xhat, meanGx));
            s.binaryInto(MUL, inner, invStd, dx3);
        }
    }

    /** {@code running = (1 - momentum) * running + momentum * batch}. */
    private static void blend(Scratch s, BufferView running, BufferView batch, double momentum) {
        BufferView next = s.binary(ADD, s.binary(MUL, running, 1 - momentum), s.binary(MUL, batch, momentum));
        s.ops().copy(next, running);
    }

    /** A per-channel operand seen as {@code [1, c, 1]}. */
    private static BufferView channel(BufferView v, int c) {
        return Views.reshape(v, 1, c, 1);
    }

    /** {@code {n, c, s}}: the spatial dimensions flattened into one. */
    private static int[] geometry(String op, BufferView x) {
        int rank = x.shape().rank();
        if (rank < 2) {
            throw new ShapeMismatchException(op + ": x has shape " + x.shape() + ", expected [n, c] or [n, c, spatial...]");
        }
        int s = 1;
        for (int i = 2; i < rank; i++) {
            s *= x.shape().dim(i);
        }
        return new int[] {x.shape().dim(0), x.shape().dim(1), s};
    }
}
