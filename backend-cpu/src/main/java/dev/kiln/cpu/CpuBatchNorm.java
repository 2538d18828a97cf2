package dev.kiln.cpu;

import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;

/**
 * Batch norm of {@code x [n, c, s...]} per channel {@code c}, as PyTorch: training normalises with
 * the biased batch variance and feeds the unbiased one to the running variance; evaluation uses
 * the running statistics. Channels run in parallel, each summed in a fixed order.
 */
final class CpuBatchNorm {
    private CpuBatchNorm() {
    }

    static void forward(BufferView x, BufferView weight, BufferView bias, BufferView runningMean, BufferView runningVar,
                        boolean training, double momentum, double eps,
                        BufferView out, BufferView saveMean, BufferView saveInvStd) {
        String op = "batchNorm";
        CpuFusedChecks.floating(op, x, weight, bias, runningMean, runningVar, out, saveMean, saveInvStd);
        Geometry g = geometry(op, x);
        CpuFusedChecks.shape(op, "out", out, x.shape().toArray());
        perChannel(op, g.c, "weight", weight);
        perChannel(op, g.c, "bias", bias);
        perChannel(op, g.c, "runningMean", runningMean);
        perChannel(op, g.c, "runningVar", runningVar);
        perChannel(op, g.c, "saveMean", saveMean);
        perChannel(op, g.c, "saveInvStd", saveInvStd);
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException(op + ": evaluation mode normalises with the running statistics, "
                    + "but runningMean or runningVar is null; pass them or use training mode");
        }
        long count = (long) g.n * g.s;
        if (training && count <= 1) {
            throw new ShapeMismatchException(op + ": training needs more than one value per channel, x has shape "
                    + x.shape() + " (" + count + " per channel)");
        }
        CpuThreads.parallelFor(g.c, 1, (from, to) -> {
            double[] run = new double[g.s];
            for (int ch = from; ch < to; ch++) {
                double mu;
                double invStd;
                if (training) {
                    double sum = 0;
                    for (int b = 0; b < g.n; b++) {
                        CpuWidened.load(x, g.at(b, ch), run, 0, g.s);
                        for (double v : run) {
                            sum += v;
                        }
                    }
                    mu = sum / count;
                    double sq = 0;
                    for (int b = 0; b < g.n; b++) {
                        CpuWidened.load(x, g.at(b, ch), run, 0, g.s);
                        for (double v : run) {
                            sq += (v - mu) * (v - mu);
                        }
                    }
                    invStd = 1.0 / Math.sqrt(sq / count + eps);
                    if (runningMean != null) {
                        CpuWidened.set(runningMean, ch, (1 - momentum) * CpuWidened.get(runningMean, ch) + momentum * mu);
                    }
                    if (runningVar != null) {
                        double unbiased = sq / (count - 1);
                        CpuWidened.set(runningVar, ch, (1 - momentum) * CpuWidened.get(runningVar, ch) + momentum * unbiased);
                    }
                } else {
                    mu = CpuWidened.get(runningMean, ch);
                    invStd = 1.0 / Math.sqrt(CpuWidened.get(runningVar, ch) + eps);
                }
                double scale = invStd * (weight == null ? 1.0 : CpuWidened.get(weight, ch));
                double shift = bias == null ? 0.0 : CpuWidened.get(bias, ch);
                for (int b = 0; b < g.n; b++) {
                    CpuWidened.load(x, g.at(b, ch), run, 0, g.s);
                    for (int i = 0; i < g.s; i++) {
                        run[i] = (run[i] - mu) * scale + shift;
                    }
                    CpuWidened.store(out, g.at(b, ch), run, 0, g.s);
                }
                CpuWidened.set(saveMean, ch, mu);
                CpuWidened.set(saveInvStd, ch, invStd);
            }
        });
    }

    /**
     * Training: {@code dx = weight*invStd/N * (N*dy - sum(dy) - xhat*sum(dy*xhat))} since the batch
     * statistics depend on x; evaluation: {@code dx = dy*weight*invStd}.
     */
    static void backward(BufferView dy, BufferView x, BufferView weight, BufferView saveMean, BufferView saveInvStd,
                         boolean training, BufferView dx, BufferView dweight, BufferView dbias) {
        String op = "batchNormBackward";
        CpuFusedChecks.floating(op, x, dy, weight, saveMean, saveInvStd, dx, dweight, dbias);
        Geometry g = geometry(op, x);
        CpuFusedChecks.shape(op, "dy", dy, x.shape().toArray());
        CpuFusedChecks.shape(op, "dx", dx, x.shape().toArray());
        perChannel(op, g.c, "weight", weight);
        perChannel(op, g.c, "dweight", dweight);
        perChannel(op, g.c, "dbias", dbias);
        perChannel(op, g.c, "saveMean", saveMean);
        perChannel(op, g.c, "saveInvStd", saveInvStd);
        long count = (long) g.n * g.s;
        CpuThreads.parallelFor(g.c, 1, (from, to) -> {
            double[] xr = new double[g.s];
            double[] gr = new double[g.s];
            for (int ch = from; ch < to; ch++) {
                double mu = CpuWidened.get(saveMean, ch);
                double invStd = CpuWidened.get(saveInvStd, ch);
                double w = weight == null ? 1.0 : CpuWidened.get(weight, ch);
                double sumDy = 0;
                double sumDyXhat = 0;
                for (int b = 0; b < g.n; b++) {
                    CpuWidened.load(x, g.at(b, ch), xr, 0, g.s);
                    CpuWidened.load(dy, g.at(b, ch), gr, 0, g.s);
                    for (int i = 0; i < g.s; i++) {
                        sumDy += gr[i];
                        sumDyXhat += gr[i] * (xr[i] - mu) * invStd;
                    }
                }
                for (int b = 0; b < g.n; b++) {
                    CpuWidened.load(x, g.at(b, ch), xr, 0, g.s);
                    CpuWidened.load(dy, g.at(b, ch), gr, 0, g.s);
                    for (int i = 0; i < g.s; i++) {
                        if (training) {
                            double xhat = (xr[i] - mu) * invStd;
                            gr[i] = w * invStd * (gr[i] - sumDy / count - xhat * sumDyXhat / count);
                        } else {
                            gr[i] = w * invStd * gr[i];
                        }
                    }
                    CpuWidened.store(dx, g.at(b, ch), gr, 0, g.s);
                }
                if (dweight != null) {
                    CpuWidened.set(dweight, ch, sumDyXhat);
                }
                if (dbias != null) {
                    CpuWidened.set(dbias, ch, sumDy);
                }
            }
        });
    }

    /** {@code x} seen as {@code [n, c, s]}: trailing dimensions flatten into {@code s}. */
    private record Geometry(int n, int c, int s) {
        int at(int batch, int channel) {
            return (batch * c + channel) * s;
        }
    }

    private static Geometry geometry(String op, BufferView x) {
        int rank = x.shape().rank();
        if (rank < 2) {
            throw new ShapeMismatchException(op + ": x has shape " + x.shape() + ", expected [n, c] or [n, c, spatial...]");
        }
        int s = 1;
        for (int i = 2; i < rank; i++) {
            s *= x.shape().dim(i);
        }
        return new Geometry(x.shape().dim(0), x.shape().dim(1), s);
    }

    private static void perChannel(String op, int c, String name, BufferView v) {
        if (v != null) {
            CpuFusedChecks.numel(op, name, v, c, "one per channel");
        }
    }
}
