package dev.kiln.cuda;

import static dev.kiln.cuda.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.Pool2dParams;

/** Host side of pool.cl: max and average 2-D pooling over NCHW, forward and backward. */
final class CudaPool {
    private static final long MAX_GRID_Y = 65_535;

    private CudaPool() {
    }

    static void max(CudaBackend backend, BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        Op op = Op.MAX_POOL2D;
        DType dtype = CudaFusedChecks.floating(backend, op, x, out);
        CudaFusedChecks.dtype(op, "indices", indices, DType.I32);
        Planes g = planes(op, x, p);
        CudaFusedChecks.shape(op, "out", out, g.outShape());
        CudaFusedChecks.shape(op, "indices", indices, g.outShape());
        CudaKernelCall call = geometry(backend.cuda().kernel(CudaKernels.MAX_POOL2D_FORWARD, dtype, ""), g, p);
        view(view(view(call, x), out), indices).launch(g.outputs());
    }

    static void maxBackward(CudaBackend backend, BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        Op op = Op.MAX_POOL2D_BACKWARD;
        DType dtype = CudaFusedChecks.floating(backend, op, dx, dy);
        CudaFusedChecks.dtype(op, "indices", indices, DType.I32);
        Planes g = planes(op, dx, p);
        CudaFusedChecks.shape(op, "dy", dy, g.outShape());
        CudaFusedChecks.shape(op, "indices", indices, g.outShape());
        long rows = (long) g.n * g.c * g.h;
        // windows that cannot overlap leave each input one candidate output: no loop over covering outputs;
        // its (w, rows) grid must fit CUDA's 65,535 blocks of 16 rows along y
        boolean disjoint = p.kernelH() <= p.strideH() && p.kernelW() <= p.strideW() && rows <= MAX_GRID_Y * 16;
        CudaKernelCall call = geometry(backend.cuda().kernel(disjoint ? CudaKernels.MAX_POOL2D_BACKWARD_DISJOINT
                : CudaKernels.MAX_POOL2D_BACKWARD, dtype, ""), g, p);
        view(view(view(call, dy), indices), dx);
        if (disjoint) {
            call.launch(new long[]{g.w, rows}, new long[]{16, 16});
        } else {
            call.launch(g.inputs());
        }
    }

    static void avg(CudaBackend backend, BufferView x, Pool2dParams p, BufferView out) {
        Op op = Op.AVG_POOL2D;
        DType dtype = CudaFusedChecks.floating(backend, op, x, out);
        Planes g = planes(op, x, p);
        CudaFusedChecks.shape(op, "out", out, g.outShape());
        CudaKernelCall call = geometry(backend.cuda().kernel(CudaKernels.AVG_POOL2D_FORWARD, dtype, ""), g, p)
                .arg(p.countIncludePad() ? 1 : 0);
        view(view(call, x), out).launch(g.outputs());
    }

    static void avgBackward(CudaBackend backend, BufferView dy, Pool2dParams p, BufferView dx) {
        Op op = Op.AVG_POOL2D_BACKWARD;
        DType dtype = CudaFusedChecks.floating(backend, op, dx, dy);
        Planes g = planes(op, dx, p);
        CudaFusedChecks.shape(op, "dy", dy, g.outShape());
        CudaKernelCall call = geometry(backend.cuda().kernel(CudaKernels.AVG_POOL2D_BACKWARD, dtype, ""), g, p)
                .arg(p.countIncludePad() ? 1 : 0);
        view(view(call, dy), dx).launch(g.inputs());
    }

    /** The arguments every pooling kernel starts with: planes, h, w, oh, ow, then the window. */
    private static CudaKernelCall geometry(CudaKernelCall call, Planes g, Pool2dParams p) {
        return call.arg(g.n * g.c).arg(g.h).arg(g.w).arg(g.oh).arg(g.ow)
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
        CudaFusedChecks.rank(op, "input", input, 4, "[n, c, h, w]");
        int[] d = input.shape().toArray();
        if (d[2] + 2 * p.padH() < p.kernelH() || d[3] + 2 * p.padW() < p.kernelW()) {
            throw new ShapeMismatchException(op.stem() + ": input " + input.shape() + " padded by " + p.padH() + "x" + p.padW()
                    + " is smaller than the " + p.kernelH() + "x" + p.kernelW() + " kernel");
        }
        return new Planes(d[0], d[1], d[2], d[3], p.outH(d[2]), p.outW(d[3]));
    }
}
