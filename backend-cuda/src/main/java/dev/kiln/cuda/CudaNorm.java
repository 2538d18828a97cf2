package dev.kiln.cuda;

import static dev.kiln.cuda.FusedArgs.optional;
import static dev.kiln.cuda.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of norm.cl: layer norm and batch norm, forward and backward. */
final class CudaNorm {
    private CudaNorm() {
    }

    static void layerNorm(CudaBackend backend, BufferView x, BufferView weight, BufferView bias, double eps,
                          BufferView out, BufferView mean, BufferView rstd) {
        Op op = Op.LAYER_NORM;
        DType dtype = CudaFusedChecks.floating(backend, op, x, weight, bias, out, mean, rstd);
        int cols = CudaFusedChecks.lastDim(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        CudaFusedChecks.shape(op, "out", out, x.shape().toArray());
        CudaFusedChecks.numel(op, "weight", weight, cols, "one per normalised column");
        CudaFusedChecks.numel(op, "bias", bias, cols, "one per normalised column");
        CudaFusedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        CudaFusedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        if (rows == 0) {
            return;
        }
        int group = FusedArgs.groupSize(backend);
        CudaKernelCall call = backend.cuda().kernel(CudaKernels.LAYER_NORM_FORWARD, dtype, options(backend))
                .arg(cols).acc(eps);
        view(call, x);
        optional(call, weight, x);
        optional(call, bias, x);
        view(view(view(call, out), mean), rstd).launch(new long[]{(long) rows * group}, new long[]{group});
    }

    static void layerNormBackward(CudaBackend backend, BufferView dy, BufferView x, BufferView weight, BufferView mean,
                                  BufferView rstd, BufferView dx, BufferView dweight, BufferView dbias) {
        Op op = Op.LAYER_NORM_BACKWARD;
        DType dtype = CudaFusedChecks.floating(backend, op, x, dy, weight, mean, rstd, dx, dweight, dbias);
        int cols = CudaFusedChecks.lastDim(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        CudaFusedChecks.shape(op, "dy", dy, x.shape().toArray());
        CudaFusedChecks.shape(op, "dx", dx, x.shape().toArray());
        CudaFusedChecks.numel(op, "weight", weight, cols, "one per normalised column");
        CudaFusedChecks.numel(op, "dweight", dweight, cols, "one per normalised column");
        CudaFusedChecks.numel(op, "dbias", dbias, cols, "one per normalised column");
        CudaFusedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        CudaFusedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        if (rows > 0) {
            int group = FusedArgs.groupSize(backend);
            CudaKernelCall call = backend.cuda().kernel(CudaKernels.LAYER_NORM_BACKWARD_INPUT, dtype, options(backend))
                    .arg(cols);
            view(view(call, dy), x);
            optional(call, weight, x);
            view(view(view(call, mean), rstd), dx).launch(new long[]{(long) rows * group}, new long[]{group});
        }
        if ((dweight != null || dbias != null) && cols > 0) {
            CudaKernelCall call = backend.cuda().kernel(CudaKernels.LAYER_NORM_BACKWARD_AFFINE, dtype, options(backend))
                    .arg(rows).arg(cols);
            view(view(view(view(call, dy), x), mean), rstd);
            optional(call, dweight, dx);
            optional(call, dbias, dx).launch(cols);
        }
    }

    static void batchNorm(CudaBackend backend, BufferView x, BufferView weight, BufferView bias,
                          BufferView runningMean, BufferView runningVar, boolean training, double momentum, double eps,
                          BufferView out, BufferView saveMean, BufferView saveInvStd) {
        Op op = Op.BATCH_NORM;
        DType dtype = CudaFusedChecks.floating(backend, op, x, weight, bias, runningMean, runningVar, out, saveMean, saveInvStd);
        Channels g = channels(op, x);
        CudaFusedChecks.shape(op, "out", out, x.shape().toArray());
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
            int group = FusedArgs.groupSize(backend);
            CudaKernelCall call = backend.cuda().kernel(CudaKernels.BATCH_NORM_FORWARD_TRAIN, dtype, options(backend))
                    .arg(g.n).arg(g.c).arg(g.s).acc(momentum).acc(eps);
            view(call, x);
            optional(call, weight, x);
            optional(call, bias, x);
            optional(call, runningMean, out);
            optional(call, runningVar, out);
            view(view(view(call, out), saveMean), saveInvStd).launch(new long[]{(long) g.c * group}, new long[]{group});
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException(op.stem() + ": evaluation mode normalises with the running statistics, "
                        + "but runningMean or runningVar is null; pass them or use training mode");
            }
            int total = x.numel();
            CudaKernelCall call = backend.cuda().kernel(CudaKernels.BATCH_NORM_FORWARD_EVAL, dtype, options(backend))
                    .arg(total).arg(g.c).arg(g.s).acc(eps);
            view(call, x);
            optional(call, weight, x);
            optional(call, bias, x);
            view(view(view(view(view(call, runningMean), runningVar), out), saveMean), saveInvStd)
                    .launch(Math.max(total, g.c));
        }
    }

    static void batchNormBackward(CudaBackend backend, BufferView dy, BufferView x, BufferView weight,
                                  BufferView saveMean, BufferView saveInvStd, boolean training,
                                  BufferView dx, BufferView dweight, BufferView dbias) {
        Op op = Op.BATCH_NORM_BACKWARD;
        DType dtype = CudaFusedChecks.floating(backend, op, x, dy, weight, saveMean, saveInvStd, dx, dweight, dbias);
        Channels g = channels(op, x);
        CudaFusedChecks.shape(op, "dy", dy, x.shape().toArray());
        CudaFusedChecks.shape(op, "dx", dx, x.shape().toArray());
        perChannel(op, g.c, "weight", weight);
        perChannel(op, g.c, "dweight", dweight);
        perChannel(op, g.c, "dbias", dbias);
        perChannel(op, g.c, "saveMean", saveMean);
        perChannel(op, g.c, "saveInvStd", saveInvStd);
        if (g.c == 0) {
            return;
        }
        int group = FusedArgs.groupSize(backend);
        CudaKernelCall call = backend.cuda().kernel(CudaKernels.BATCH_NORM_BACKWARD, dtype, options(backend))
                .arg(g.n).arg(g.c).arg(g.s).arg(training ? 1 : 0);
        view(view(call, dy), x);
        optional(call, weight, x);
        view(view(view(call, saveMean), saveInvStd), dx);
        optional(call, dweight, dx);
        optional(call, dbias, dx).launch(new long[]{(long) g.c * group}, new long[]{group});
    }

    /** One program of norm.cl serves every kernel in it: the group size of the row-reducing ones. */
    private static String options(CudaBackend backend) {
        return FusedArgs.groupOptions(backend);
    }

    private static void perChannel(Op op, int c, String name, BufferView v) {
        CudaFusedChecks.numel(op, name, v, c, "one per channel");
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
