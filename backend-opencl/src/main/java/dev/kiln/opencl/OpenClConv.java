package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.ceilDiv;
import static dev.kiln.opencl.FusedArgs.optional;
import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.Conv2dParams;

/**
 * Host side of conv.cl, conv_direct.cl, conv_rows.cl, conv_cols.cl and conv_planes.cl: conv2d
 * forward and both backward passes. GPUs and accelerators run the implicit GEMMs of conv.cl, one
 * launch each, with work-groups of {@code TILE x TILE} over (output columns, output rows, group).
 * CPU devices run the padded-plane kernels of conv_planes.cl ({@link OpenClConvPlanes}) where the
 * stride is 1: an operand copied once with its padding, then products whose inner loops are explicit
 * SIMD vectors over output positions, each tap a shifted load of the planes. Other strides run the
 * column kernels of conv_cols.cl ({@link OpenClConvColumns}), which copy every tap's patch into a
 * column buffer first (on PoCL, conv device time per training step: Fashion-MNIST CNN 231 -> 26 ms,
 * LeNet 53 -> 15 ms with columns). The row kernels of conv_rows.cl (stride and dilation 1,
 * conv_direct.cl otherwise) and the direct ones stay selectable: the system property
 * {@code kiln.opencl.conv} ({@code auto}, {@code planes}, {@code columns}, {@code tiled},
 * {@code direct} or {@code rows}) overrides the choice, and because CUDA runs the same conv.cl bodies
 * the tests run every set on CPU devices too. The backend reads the property once, when it opens
 * ({@link #kernels}).
 */
final class OpenClConv {
    private static final String FILE = "conv.cl";
    private static final String DIRECT_FILE = "conv_direct.cl";
    private static final String ROWS_FILE = "conv_rows.cl";
    /** CHANNEL_BLOCK of conv_rows.cl: output channels per work-item of its forward kernel. */
    private static final int ROWS_CHANNEL_BLOCK = 2;
    private static final String CHOICE_PROPERTY = "kiln.opencl.conv";

    /**
     * The kernel sets: conv.cl, conv_direct.cl, conv_rows.cl (with conv_direct.cl where stride or
     * dilation is not 1), conv_cols.cl, or conv_planes.cl (with conv_cols.cl where the stride is not 1).
     */
    enum Kernels { TILED, DIRECT, ROWS, COLUMNS, PLANES }

    private OpenClConv() {
    }

    static void forward(OpenClBackend backend, BufferView x, BufferView weight, BufferView bias, Conv2dParams p,
                        BufferView out) {
        Op op = Op.CONV2D;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, weight, bias, out);
        Geometry g = Geometry.of(op, x, weight, p);
        OpenClFusedChecks.shape(op, "out", out, g.n, g.cout, g.oh, g.ow);
        OpenClFusedChecks.numel(op, "bias", bias, g.cout, "one per output channel");
        Kernels set = set(backend, p);
        if (set == Kernels.PLANES) {
            OpenClConvPlanes.forward(backend, dtype, g, p, x, weight, bias, out);
            return;
        }
        if (set == Kernels.COLUMNS) {
            OpenClConvColumns.forward(backend, dtype, g, p, x, weight, bias, out);
            return;
        }
        int tile = tile(backend);
        KernelCall call = geometry(kernel(backend, "conv2d_forward", dtype, set, tile), g, p);
        view(view(call, x), weight);
        optional(call, bias, x);
        view(call, out);
        if (set == Kernels.ROWS) {
            call.launch(g.n * g.groups * ceilDiv(g.cout / g.groups, ROWS_CHANNEL_BLOCK) * g.oh);
        } else if (set == Kernels.DIRECT) {
            call.launch(g.n * g.cout * g.oh * g.ow);
        } else {
            launch(call, tile, g.n * g.oh * g.ow, g.cout / g.groups, g.groups);
        }
    }

    static void backwardInput(OpenClBackend backend, BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        Op op = Op.CONV2D_BACKWARD_INPUT;
        DType dtype = OpenClFusedChecks.floating(backend, op, dy, weight, dx);
        Geometry g = Geometry.of(op, dx, weight, p);
        OpenClFusedChecks.shape(op, "dy", dy, g.n, g.cout, g.oh, g.ow);
        Kernels set = set(backend, p);
        if (set == Kernels.PLANES) {
            OpenClConvPlanes.backwardInput(backend, dtype, g, p, dy, weight, dx);
            return;
        }
        if (set == Kernels.COLUMNS) {
            OpenClConvColumns.backwardInput(backend, dtype, g, p, dy, weight, dx);
            return;
        }
        int tile = tile(backend);
        KernelCall call = geometry(kernel(backend, "conv2d_backward_input", dtype, set, tile), g, p);
        view(view(view(call, dy), weight), dx);
        if (set == Kernels.ROWS) {
            call.launch(g.n * g.cin * g.h);
        } else if (set == Kernels.DIRECT) {
            call.launch(g.n * g.cin * g.h * g.w);
        } else {
            launch(call, tile, g.n * g.h * g.w, g.cin / g.groups, g.groups);
        }
    }

    static void backwardWeight(OpenClBackend backend, BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        Op op = Op.CONV2D_BACKWARD_WEIGHT;
        DType dtype = OpenClFusedChecks.floating(backend, op, dy, x, dweight);
        Geometry g = Geometry.of(op, x, dweight, p);
        OpenClFusedChecks.shape(op, "dy", dy, g.n, g.cout, g.oh, g.ow);
        Kernels set = set(backend, p);
        if (set == Kernels.PLANES) {
            OpenClConvPlanes.backwardWeight(backend, dtype, g, p, dy, x, dweight);
            return;
        }
        if (set == Kernels.COLUMNS) {
            OpenClConvColumns.backwardWeight(backend, dtype, g, p, dy, x, dweight);
            return;
        }
        int tile = tile(backend);
        KernelCall call = geometry(kernel(backend, "conv2d_backward_weight", dtype, set, tile), g, p);
        view(view(view(call, dy), x), dweight);
        if (set == Kernels.ROWS) {
            call.launch(g.cout * (g.cin / g.groups) * g.kh);
        } else if (set == Kernels.DIRECT) {
            call.launch(g.cout * (g.cin / g.groups) * g.kh * g.kw);
        } else {
            launch(call, tile, g.cin / g.groups * g.kh * g.kw, g.cout / g.groups, g.groups);
        }
    }

    /**
     * The kernel set a backend on {@code device} runs: on CPU devices the padded-plane kernels (column
     * kernels where the stride is not 1), which need no local memory (there only another copy in the
     * same caches), unless {@code kiln.opencl.conv} says otherwise.
     */
    static Kernels kernels(OpenClDeviceProperties device) {
        String chosen = System.getProperty(CHOICE_PROPERTY, "auto");
        return switch (chosen) {
            case "auto" -> device.isCpu() ? Kernels.PLANES : Kernels.TILED;
            case "planes" -> Kernels.PLANES;
            case "columns" -> Kernels.COLUMNS;
            case "rows" -> Kernels.ROWS;
            case "direct" -> Kernels.DIRECT;
            case "tiled" -> Kernels.TILED;
            default -> throw new IllegalArgumentException("conv2d: system property " + CHOICE_PROPERTY + " is '" + chosen
                    + "'; expected auto, planes, columns, tiled, direct or rows");
        };
    }

    /**
     * The backend's set for this call: the row kernels handle stride 1 and dilation 1 only, the
     * padded-plane kernels stride 1.
     */
    private static Kernels set(OpenClBackend backend, Conv2dParams p) {
        Kernels chosen = backend.convKernels();
        boolean unit = p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1;
        if (chosen == Kernels.PLANES && !OpenClConvPlanes.handles(p)) {
            return Kernels.COLUMNS;
        }
        return chosen == Kernels.ROWS && !unit ? Kernels.DIRECT : chosen;
    }

    /** {@code stem} of the chosen set; conv.cl is built for {@code tile}. */
    private static KernelCall kernel(OpenClBackend backend, String stem, DType dtype, Kernels set, int tile) {
        return switch (set) {
            case ROWS -> backend.cl().kernel(ROWS_FILE, stem + "_rows", dtype, "");
            case DIRECT -> backend.cl().kernel(DIRECT_FILE, stem + "_direct", dtype, "");
            case TILED -> backend.cl().kernel(FILE, stem, dtype, "-DTILE=" + tile);
            case COLUMNS, PLANES -> throw new IllegalStateException("conv2d: the " + set + " kernels launch through their own class");
        };
    }

    /** 16 x 16 work-groups where the device allows 256 work-items, else the largest square that fits. */
    private static int tile(OpenClBackend backend) {
        long limit = backend.cl().properties().maxWorkGroupSize();
        int tile = 16;
        while (tile > 1 && (long) tile * tile > limit) {
            tile /= 2;
        }
        return tile;
    }

    private static void launch(KernelCall call, int tile, int cols, int rows, int groups) {
        if (cols == 0 || rows == 0 || groups == 0) {
            return;
        }
        call.launch(new long[]{(long) ceilDiv(cols, tile) * tile, (long) ceilDiv(rows, tile) * tile, groups},
                new long[]{tile, tile, 1});
    }

    /** The CONV_ARGS of conv_geometry.h, in order. */
    static KernelCall geometry(KernelCall call, Geometry g, Conv2dParams p) {
        return call.arg(g.n).arg(g.cin).arg(g.h).arg(g.w).arg(g.cout).arg(g.oh).arg(g.ow).arg(g.kh).arg(g.kw)
                .arg(p.strideH()).arg(p.strideW()).arg(p.padH()).arg(p.padW()).arg(p.dilationH()).arg(p.dilationW())
                .arg(p.groups());
    }

    /** Sizes of one convolution, validated against each other. */
    record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int oh, int ow, int groups) {
        static Geometry of(Op op, BufferView input, BufferView weight, Conv2dParams p) {
            OpenClFusedChecks.rank(op, "input", input, 4, "[n, cin, h, w]");
            OpenClFusedChecks.rank(op, "weight", weight, 4, "[cout, cin/groups, kh, kw]");
            int[] x = input.shape().toArray();
            int[] wt = weight.shape().toArray();
            int groups = p.groups();
            if (x[1] % groups != 0 || wt[0] % groups != 0 || wt[1] * groups != x[1]) {
                throw new ShapeMismatchException(op.stem(), input.shape(), weight.shape(), "with " + groups
                        + " groups the input channels (" + x[1] + ") must equal weight.dim(1) * groups and the output channels ("
                        + wt[0] + ") must divide by the groups");
            }
            int oh = p.outH(x[2], wt[2]);
            int ow = p.outW(x[3], wt[3]);
            if (oh < 1 || ow < 1) {
                throw new ShapeMismatchException(op.stem(), input.shape(), weight.shape(),
                        "the dilated kernel does not fit the padded input (output would be " + oh + "x" + ow + " with " + p + ")");
            }
            return new Geometry(x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], oh, ow, groups);
        }

        /** The same convolution over {@code images} images: a chunk of the batch. */
        Geometry withBatch(int images) {
            return new Geometry(images, cin, h, w, cout, kh, kw, oh, ow, groups);
        }
    }
}
