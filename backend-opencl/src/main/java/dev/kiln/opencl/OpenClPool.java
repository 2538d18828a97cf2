package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.Pool2dParams;

/** Host side of pool.cl and pool_rows.cl: max and average 2-D pooling over NCHW, forward and backward. */
final class OpenClPool {
    private static final String FILE = "pool.cl";
    /** Max pooling with a work-item per row of outputs (forward) or inputs (backward, disjoint windows): see pool_rows.cl. */
    private static final String ROWS_FILE = "pool_rows.cl";

    private OpenClPool() {
    }

    static void max(OpenClBackend backend, BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        Op op = Op.MAX_POOL2D;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, out);
        OpenClFusedChecks.dtype(op, "indices", indices, DType.I32);
        Planes g = planes(op, x, p);
        OpenClFusedChecks.shape(op, "out", out, g.outShape());
        OpenClFusedChecks.shape(op, "indices", indices, g.outShape());
        KernelCall call = geometry(backend.cl().kernel(ROWS_FILE, "max_pool2d_forward_rows", dtype, ""), g.n * g.c * g.oh, g, p);
        view(view(view(call, x), out), indices).launch(g.n * g.c * g.oh);
    }

    static void maxBackward(OpenClBackend backend, BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        Op op = Op.MAX_POOL2D_BACKWARD;
        DType dtype = OpenClFusedChecks.floating(backend, op, dx, dy);
        OpenClFusedChecks.dtype(op, "indices", indices, DType.I32);
        Planes g = planes(op, dx, p);
        OpenClFusedChecks.shape(op, "dy", dy, g.outShape());
        OpenClFusedChecks.shape(op, "indices", indices, g.outShape());
        // windows that cannot overlap leave each input one candidate output: a row clears itself and takes its maxima
        boolean disjoint = p.kernelH() <= p.strideH() && p.kernelW() <= p.strideW();
        KernelCall call = disjoint
                ? geometry(backend.cl().kernel(ROWS_FILE, "max_pool2d_backward_disjoint_rows", dtype, ""), g.n * g.c * g.h, g, p)
                : geometry(backend.cl().kernel(FILE, "max_pool2d_backward", dtype, ""), g.n * g.c, g, p);
        view(view(view(call, dy), indices), dx).launch(disjoint ? g.n * g.c * g.h : g.inputs());
    }

    static void avg(OpenClBackend backend, BufferView x, Pool2dParams p, BufferView out) {
        Op op = Op.AVG_POOL2D;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, out);
        Planes g = planes(op, x, p);
        OpenClFusedChecks.shape(op, "out", out, g.outShape());
        KernelCall call = geometry(backend.cl().kernel(FILE, "avg_pool2d_forward", dtype, ""), g.n * g.c, g, p)
                .arg(p.countIncludePad() ? 1 : 0);
        view(view(call, x), out).launch(g.outputs());
    }

    static void avgBackward(OpenClBackend backend, BufferView dy, Pool2dParams p, BufferView dx) {
        Op op = Op.AVG_POOL2D_BACKWARD;
        DType dtype = OpenClFusedChecks.floating(backend, op, dx, dy);
        Planes g = planes(op, dx, p);
        OpenClFusedChecks.shape(op, "dy", dy, g.outShape());
        KernelCall call = geometry(backend.cl().kernel(FILE, "avg_pool2d_backward", dtype, ""), g.n * g.c, g, p)
                .arg(p.countIncludePad() ? 1 : 0);
        view(view(call, dy), dx).launch(g.inputs());
    }

    /**
     * The arguments every pooling kernel starts with: its count of planes (pool.cl) or rows
     * (pool_rows.cl), h, w, oh, ow, then the window.
     */
    private static KernelCall geometry(KernelCall call, int count, Planes g, Pool2dParams p) {
        return call.arg(count).arg(g.h).arg(g.w).arg(g.oh).arg(g.ow)
                .arg(p.kernelH()).arg(p.kernelW()).arg(p.strideH()).arg(p.strideW()).arg(p.padH()).arg(p.padW());
    }

    private record Planes(int n, int c, int h, int w, int oh, int ow) {
        int[] outShape() {
            return new int[]{n, c, oh, ow};
        }

        int outputs() {
            return n * c * oh * ow;
        }

        int inputs() {
            return n * c * h * w;
        }
    }

    private static Planes planes(Op op, BufferView input, Pool2dParams p) {
        OpenClFusedChecks.rank(op, "input", input, 4, "[n, c, h, w]");
        int[] d = input.shape().toArray();
        if (d[2] + 2 * p.padH() < p.kernelH() || d[3] + 2 * p.padW() < p.kernelW()) {
            throw new ShapeMismatchException(op.stem() + ": input " + input.shape() + " padded by " + p.padH() + "x" + p.padW()
                    + " is smaller than the " + p.kernelH() + "x" + p.kernelW() + " kernel");
        }
        return new Planes(d[0], d[1], d[2], d[3], p.outH(d[2]), p.outW(d[3]));
    }
}
