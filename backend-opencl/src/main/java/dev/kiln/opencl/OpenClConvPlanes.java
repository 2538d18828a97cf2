package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.ceilDiv;
import static dev.kiln.opencl.FusedArgs.optional;
import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.params.Conv2dParams;

/**
 * Host side of conv_planes.cl, conv_planes_product.cl and conv_planes_weight.cl, the stride-1
 * kernels of CPU devices: each pass copies one or two operands into zero-padded planes of a fixed
 * row width from the backend's caching allocator (about the size of the operand, where the column
 * kernels of {@link OpenClConvColumns} copy the input kh * kw times), then runs one product kernel
 * over them. The channels per work-item are compile options, a few sizes picked to split the
 * convolution's channel counts evenly (LeNet-5's six output channels run as one block of six, not
 * one of eight).
 */
final class OpenClConvPlanes {
    private static final String FILE = "conv_planes.cl";
    private static final String PRODUCT_FILE = "conv_planes_product.cl";
    private static final String WEIGHT_FILE = "conv_planes_weight.cl";
    /** Bytes of VW lanes of conv_planes.cl. */
    private static final int VECTOR_BYTES = 64;
    /**
     * The output channels per product work-item (CB of conv_planes.cl) that there are builds of: few,
     * because each is another compile of the file.
     */
    private static final int[] CHANNEL_BLOCKS = {4, 6, 8};
    /** The weight gradient's output channels per work-item (WB_CO), and the taps (WB_K) that go with each: 16 sums or fewer. */
    private static final int[] WEIGHT_CHANNELS = {2, 3, 4};
    private static final int[] WEIGHT_TAPS = {8, 5, 4};

    private OpenClConvPlanes() {
    }

    /** Whether these kernels compute {@code p}: they shift by whole rows and columns, so stride 1 only. */
    static boolean handles(Conv2dParams p) {
        return p.strideH() == 1 && p.strideW() == 1;
    }

    static void forward(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p,
                        BufferView x, BufferView weight, BufferView bias, BufferView out) {
        if (g.n() == 0) {
            return;
        }
        int taps = g.kh() * g.kw();
        int cinG = g.cin() / g.groups();
        Copy xc = inputPlanes(backend, dtype, g, p, x);
        try {
            pad(backend, dtype, xc, null);
            product(backend, dtype, g, p, xc.to, new Product(cinG, g.cout() / g.groups(), g.oh(), g.ow(), cinG * taps, taps, false),
                    weight, bias, x, out);
        } finally {
            xc.to.buffer.release();
        }
    }

    static void backwardInput(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p,
                              BufferView dy, BufferView weight, BufferView dx) {
        if (g.n() == 0) {
            return;
        }
        int taps = g.kh() * g.kw();
        int cinG = g.cin() / g.groups();
        int coutG = g.cout() / g.groups();
        // dx (iy, ix) gets tap (ky, kx) of dy (iy + pad - ky * dil, ...): dy padded so that the rotated kernel slides over it
        int spanH = p.dilationH() * (g.kh() - 1);
        int spanW = p.dilationW() * (g.kw() - 1);
        Copy dyc = planes(backend, dtype, dy, g.n() * g.cout(), g.oh(), g.ow(), spanH - p.padH(), spanW - p.padW(),
                g.h() + spanH, g.w() + spanW);
        try {
            pad(backend, dtype, dyc, null);
            product(backend, dtype, g, p, dyc.to, new Product(coutG, cinG, g.h(), g.w(), taps, cinG * taps, true),
                    weight, null, dy, dx);
        } finally {
            dyc.to.buffer.release();
        }
    }

    static void backwardWeight(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p,
                               BufferView dy, BufferView x, BufferView dweight) {
        if (g.n() == 0) {
            backend.fill(dweight, 0);
            return;
        }
        int cinG = g.cin() / g.groups();
        int coutG = g.cout() / g.groups();
        int pick = pick(WEIGHT_CHANNELS, coutG);
        int wbCo = WEIGHT_CHANNELS[pick];
        int wbK = WEIGHT_TAPS[pick];
        Copy xc = inputPlanes(backend, dtype, g, p, x);
        Planes xp = xc.to;
        // dy in rows as wide as x's planes, zero past column ow, so that its lanes line up with the shifted x
        Copy dyc = planes(backend, dtype, dy, g.n() * g.cout(), g.oh(), g.ow(), 0, 0, g.oh(), xp.width);
        Planes dyw = dyc.to;
        try {
            pad(backend, dtype, xc, dyc);
            KernelCall call = backend.cl().kernel(WEIGHT_FILE, "conv2d_planes_weight", dtype, "-DWB_CO=" + wbCo + " -DWB_K=" + wbK)
                    .arg(g.n()).arg(g.groups()).arg(cinG).arg(coutG).arg(g.kh()).arg(g.kw())
                    .arg(p.dilationH()).arg(p.dilationW()).arg(g.ow()).arg(spans(g.oh(), g.ow(), xp.width, dtype))
                    .arg(dyw.buffer).arg(dyw.stride).arg(xp.buffer).arg(xp.stride).arg(xp.width);
            OpenClConvColumns.products(view(call, dweight),
                    g.groups() * ceilDiv(coutG, wbCo) * ceilDiv(cinG * g.kh() * g.kw(), wbK));
        } finally {
            xp.buffer.release();
            dyw.buffer.release();
        }
    }

    /** Zero-padded planes in rows of {@code width}, each {@code stride} elements apart. */
    private record Planes(DeviceBuffer buffer, int width, int stride) {
    }

    /** The copy of {@code count} planes of {@code src} [count, h, w] into {@code to}, element (r, c) from (r - top, c - left). */
    private record Copy(BufferView src, int count, int h, int w, int top, int left, int rows, Planes to) {
        KernelCall args(KernelCall call) {
            return call.arg(count).arg(h).arg(w).arg(src.buffer()).arg(src.layout().offset()).arg(top).arg(left).arg(rows)
                    .arg(to.width).arg(to.stride).arg(to.buffer);
        }

        int items() {
            return count * (rows + 1);
        }
    }

    /** x's planes with the convolution's padding, as wide as the output plus the dilated kernel. */
    private static Copy inputPlanes(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p, BufferView x) {
        return planes(backend, dtype, x, g.n() * g.cin(), g.h(), g.w(), p.padH(), p.padW(),
                g.oh() + p.dilationH() * (g.kh() - 1), g.ow() + p.dilationW() * (g.kw() - 1));
    }

    /**
     * Planes of rows x cols for {@code count} planes of {@code src}, allocated, to be filled by {@link #pad};
     * a vector of zeros after each plane keeps the last lanes' loads inside it.
     */
    private static Copy planes(OpenClBackend backend, DType dtype, BufferView src, int count, int h, int w,
                               int top, int left, int rows, int cols) {
        int stride = rows * cols + lanes(dtype);
        return new Copy(src, count, h, w, top, left, rows, new Planes(backend.allocate(dtype, count * stride), cols, stride));
    }

    /** Runs copy {@code a}, and {@code b} where there is one, in one launch of conv2d_pad_planes. */
    private static void pad(OpenClBackend backend, DType dtype, Copy a, Copy b) {
        KernelCall call = a.args(backend.cl().kernel(FILE, "conv2d_pad_planes", dtype, ""));
        if (b != null) {
            b.args(call).launch(a.items() + b.items());
        } else {
            call.arg(0).arg(0).arg(0).arg(a.src.buffer()).arg(0).arg(0).arg(0).arg(0).arg(0).arg(0).arg(a.to.buffer)
                    .launch(a.items());
        }
    }

    /**
     * What conv2d_planes_product computes per group: {@code inG} planes in, {@code outG} channels of
     * oh x ow out, output channel o and plane i weighted by the weight's taps at o * wOut + i * wIn,
     * rotated when {@code flip}.
     */
    private record Product(int inG, int outG, int oh, int ow, int wOut, int wIn, boolean flip) {
    }

    /** conv2d_planes_product over {@code in} into {@code out}, with {@code bias} if there is one ({@code standIn} when not). */
    private static void product(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p, Planes in,
                                Product pr, BufferView weight, BufferView bias, BufferView standIn, BufferView out) {
        int cb = channelBlock(pr.outG);
        KernelCall call = backend.cl().kernel(PRODUCT_FILE, "conv2d_planes_product", dtype, "-DCB=" + cb)
                .arg(g.n()).arg(g.groups()).arg(pr.inG).arg(pr.outG).arg(pr.oh).arg(pr.ow).arg(g.kh()).arg(g.kw())
                .arg(p.dilationH()).arg(p.dilationW()).arg(in.buffer).arg(in.stride).arg(in.width);
        view(call, weight).arg(pr.inG * pr.outG * g.kh() * g.kw()).arg(pr.wOut).arg(pr.wIn).arg(pr.flip ? 1 : 0);
        view(optional(call, bias, standIn), out);
        OpenClConvColumns.products(call, g.n() * g.groups() * ceilDiv(pr.outG, cb) * spans(pr.oh, pr.ow, in.width, dtype));
    }

    /** Vectors of wide positions up to output (oh - 1, ow - 1) in rows of {@code width}. */
    private static int spans(int oh, int ow, int width, DType dtype) {
        return ceilDiv((oh - 1) * width + ow, lanes(dtype));
    }

    private static int channelBlock(int channels) {
        return CHANNEL_BLOCKS[pick(CHANNEL_BLOCKS, channels)];
    }

    /**
     * The index of the smallest of the ascending {@code blocks} that holds an even split of
     * {@code count} into the fewest blocks of at most the largest one (six channels: one block of
     * six, not one of eight; sixteen: two of eight).
     */
    private static int pick(int[] blocks, int count) {
        int largest = blocks[blocks.length - 1];
        int even = ceilDiv(count, Math.max(1, ceilDiv(count, largest)));
        int i = 0;
        while (blocks[i] < even) {
            i++;
        }
        return i;
    }

    private static int lanes(DType dtype) {
        return VECTOR_BYTES / dtype.byteSize();
    }
}
