package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.optional;
import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/**
 * Host side of norm.cl and layer_norm_rows.cl: layer norm and batch norm, forward and backward
 * (batch norm's training forward and its backward launch batch_norm_chunks.cl through {@link BatchNormChunks}).
 */
final class OpenClNorm {
    private static final String FILE = "norm.cl";
    private static final String ROWS_FILE = "layer_norm_rows.cl";
    /** Columns per work-item of layer_norm_rows.cl's layer_norm_backward_affine_rows. */
    private static final int AFFINE_LANES = 16;
    /** Chooses layer norm's {@link RowKernels}: norm.cl's group per row or layer_norm_rows.cl's work-item per row. */
    static final String LAYER_NORM_PROPERTY = "kiln.opencl.layerNorm";

    private OpenClNorm() {
    }

    static void layerNorm(OpenClBackend backend, BufferView x, BufferView weight, BufferView bias, double eps,
                          BufferView out, BufferView mean, BufferView rstd) {
        Op op = Op.LAYER_NORM;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, weight, bias, out, mean, rstd);
        int cols = OpenClFusedChecks.lastDim(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        OpenClFusedChecks.shape(op, "out", out, x.shape().toArray());
        OpenClFusedChecks.numel(op, "weight", weight, cols, "one per normalised column");
        OpenClFusedChecks.numel(op, "bias", bias, cols, "one per normalised column");
        OpenClFusedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        OpenClFusedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        if (rows == 0) {
            return;
        }
        boolean perRow = backend.layerNormKernels() == RowKernels.ROWS;
        KernelCall call = perRow
                ? backend.cl().kernel(ROWS_FILE, "layer_norm_forward_rows", dtype, "").arg(rows).arg(cols).acc(eps)
                : backend.cl().kernel(FILE, "layer_norm_forward", dtype, options(backend)).arg(cols).acc(eps);
        view(call, x);
        optional(call, weight, x);
        optional(call, bias, x);
        launchRows(backend, view(view(view(call, out), mean), rstd), rows, perRow);
    }

    static void layerNormBackward(OpenClBackend backend, BufferView dy, BufferView x, BufferView weight, BufferView mean,
                                  BufferView rstd, BufferView dx, BufferView dweight, BufferView dbias) {
        Op op = Op.LAYER_NORM_BACKWARD;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, dy, weight, mean, rstd, dx, dweight, dbias);
        int cols = OpenClFusedChecks.lastDim(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        OpenClFusedChecks.shape(op, "dy", dy, x.shape().toArray());
        OpenClFusedChecks.shape(op, "dx", dx, x.shape().toArray());
        OpenClFusedChecks.numel(op, "weight", weight, cols, "one per normalised column");
        OpenClFusedChecks.numel(op, "dweight", dweight, cols, "one per normalised column");
        OpenClFusedChecks.numel(op, "dbias", dbias, cols, "one per normalised column");
        OpenClFusedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        OpenClFusedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        if (rows > 0) {
            boolean perRow = backend.layerNormKernels() == RowKernels.ROWS;
            KernelCall call = perRow
                    ? backend.cl().kernel(ROWS_FILE, "layer_norm_backward_input_rows", dtype, "").arg(rows).arg(cols)
                    : backend.cl().kernel(FILE, "layer_norm_backward_input", dtype, options(backend)).arg(cols);
            view(view(call, dy), x);
            optional(call, weight, x);
            launchRows(backend, view(view(view(call, mean), rstd), dx), rows, perRow);
        }
        if ((dweight != null || dbias != null) && cols > 0) {
            boolean lanes = backend.layerNormKernels() == RowKernels.ROWS;
            KernelCall call = lanes
                    ? backend.cl().kernel(ROWS_FILE, "layer_norm_backward_affine_rows", dtype, "").arg(rows).arg(cols)
                    : backend.cl().kernel(FILE, "layer_norm_backward_affine", dtype, options(backend)).arg(rows).arg(cols);
            view(view(view(view(call, dy), x), mean), rstd);
            optional(call, dweight, dx);
            optional(call, dbias, dx);
            if (lanes) {
                // 8 work-items for 128 columns: each a group of its own, so the driver spreads them over its threads
                call.launch(new long[]{Math.ceilDiv(cols, AFFINE_LANES)}, new long[]{1});
            } else {
                call.launch(cols);
            }
        }
    }

    static void batchNorm(OpenClBackend backend, BufferView x, BufferView weight, BufferView bias,
                          BufferView runningMean, BufferView runningVar, boolean training, double momentum, double eps,
                          BufferView out, BufferView saveMean, BufferView saveInvStd) {
        Op op = Op.BATCH_NORM;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, weight, bias, runningMean, runningVar, out, saveMean, saveInvStd);
        Channels g = channels(op, x);
        OpenClFusedChecks.shape(op, "out", out, x.shape().toArray());
        perChannel(op, g.c, "weight", weight);
        perChannel(op, g.c, "bias", bias);
        perChannel(op, g.c, "runningMean", runningMean);
        perChannel(op, g.c, "runningVar", runningVar);
        perChannel(op, g.c, "saveMean", saveMean);
        perChannel(op, g.c, "saveInvStd", saveInvStd);
        if (training && (long) g.n * g.s <= 1) {
            throw new ShapeMismatchException(op.stem() + ": training needs more than one value per channel, x has shape "
                    + x.shape() + " (" + (long) g.n * g.s + " per channel)");
        }
        if (g.c == 0) {
            return;
        }
        if (training) {
            BatchNormChunks.forwardTrain(backend, dtype, g.n, g.c, g.s, momentum, eps, x, weight, bias, runningMean, runningVar,
                    out, saveMean, saveInvStd);
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException(op.stem() + ": evaluation mode normalises with the running statistics, "
                        + "but runningMean or runningVar is null; pass them or use training mode");
            }
            int total = x.numel();
            KernelCall call = backend.cl().kernel(FILE, "batch_norm_forward_eval", dtype, options(backend))
                    .arg(total).arg(g.c).arg(g.s).acc(eps);
            view(call, x);
            optional(call, weight, x);
            optional(call, bias, x);
            view(view(view(view(view(call, runningMean), runningVar), out), saveMean), saveInvStd)
                    .launch(Math.max(total, g.c));
        }
    }

    static void batchNormBackward(OpenClBackend backend, BufferView dy, BufferView x, BufferView weight,
                                  BufferView saveMean, BufferView saveInvStd, boolean training,
                                  BufferView dx, BufferView dweight, BufferView dbias) {
        Op op = Op.BATCH_NORM_BACKWARD;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, dy, weight, saveMean, saveInvStd, dx, dweight, dbias);
        Channels g = channels(op, x);
        OpenClFusedChecks.shape(op, "dy", dy, x.shape().toArray());
        OpenClFusedChecks.shape(op, "dx", dx, x.shape().toArray());
        perChannel(op, g.c, "weight", weight);
        perChannel(op, g.c, "dweight", dweight);
        perChannel(op, g.c, "dbias", dbias);
        perChannel(op, g.c, "saveMean", saveMean);
        perChannel(op, g.c, "saveInvStd", saveInvStd);
        if (g.c == 0) {
            return;
        }
        BatchNormChunks.backward(backend, dtype, g.n, g.c, g.s, training, dy, x, weight, saveMean, saveInvStd, dx, dweight, dbias);
    }

    /** One work-item per row for the per-row kernels, otherwise one group of {@link FusedArgs#groupSize} per row. */
    private static void launchRows(OpenClBackend backend, KernelCall call, int rows, boolean perRow) {
        if (perRow) {
            call.launch(rows);
        } else {
            int group = FusedArgs.groupSize(backend);
            call.launch(new long[]{(long) rows * group}, new long[]{group});
        }
    }

    /** One program of norm.cl serves every kernel in it: the group size of the row-reducing ones. */
    private static String options(OpenClBackend backend) {
        return "-DGROUP_SIZE=" + FusedArgs.groupSize(backend);
    }

    private static void perChannel(Op op, int c, String name, BufferView v) {
        OpenClFusedChecks.numel(op, name, v, c, "one per channel");
    }

    /** {@code x} seen as {@code [n, c, s]}: trailing dimensions flatten into {@code s}. */
    private record Channels(int n, int c, int s) {
    }

    private static Channels channels(Op op, BufferView x) {
        int rank = x.shape().rank();
        if (rank < 2) {
            throw new ShapeMismatchException(op.stem() + ": x has shape " + x.shape() + ", expected [n, c] or [n, c, spatial...]");
        }
        int s = 1;
        for (int i = 2; i < rank; i++) {
            s *= x.shape().dim(i);
        }
        return new Channels(x.shape().dim(0), x.shape().dim(1), s);
    }
}
