package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.ceilDiv;
import static dev.kiln.opencl.FusedArgs.optional;
import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.params.Conv2dParams;

/**
 * Host side of conv_cols.cl, the column kernels of CPU devices: each pass copies the patches of a
 * chunk of images into a column buffer from the backend's caching allocator, then runs a product
 * kernel over it (and, for the input gradient, gathers the column gradients back into images).
 * Chunks keep that buffer under {@link #MAX_COLUMNS} elements; the weight gradient adds each later
 * chunk to the first, so its sums keep one fixed order.
 */
final class OpenClConvColumns {
    private static final String FILE = "conv_cols.cl";
    /** Bytes of VW lanes of conv_cols.cl; and its CB, WB_CO and WB_K. */
    private static final int VECTOR_BYTES = 64;
    private static final int CB = 8;
    private static final int WB_CO = 4;
    private static final int WB_K = 4;
    /**
     * Work-items per group of the product kernels that have at least {@link #GROUPED_FROM} of them:
     * PoCL starts each group as a task of a few microseconds, which hundreds of one-item groups add up.
     * Smaller launches (the weight gradient of a few channels) run one work-item per group, so that
     * every core gets some.
     */
    private static final int PRODUCT_GROUP = 16;
    private static final int GROUPED_FROM = 16 * PRODUCT_GROUP;
    /**
     * The most elements of a column buffer (4 MiB of F32): larger batches run in chunks of images, so
     * that the products mostly read columns that the copy has just left in the caches, and the buffer
     * stays small whatever the batch.
     */
    static final int MAX_COLUMNS = 1 << 20;

    private OpenClConvColumns() {
    }

    static void forward(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p,
                        BufferView x, BufferView weight, BufferView bias, BufferView out) {
        inChunks(backend, dtype, g, (c, n0, cols) -> {
            columns(backend, dtype, c, p, x, n0, cols);
            KernelCall call = OpenClConv.geometry(kernel(backend, "conv2d_forward_columns", dtype), c, p).arg(cols);
            optional(view(call, weight), bias, x);
            call.arg(out.buffer()).arg(out.layout().offset() + n0 * g.cout() * g.oh() * g.ow());
            products(call, c.n() * g.groups() * ceilDiv(g.cout() / g.groups(), CB) * spans(g, dtype));
        });
    }

    static void backwardInput(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p,
                              BufferView dy, BufferView weight, BufferView dx) {
        inChunks(backend, dtype, g, (c, n0, dcols) -> {
            KernelCall product = OpenClConv.geometry(kernel(backend, "conv2d_backward_input_columns", dtype), c, p)
                    .arg(dy.buffer()).arg(dy.layout().offset() + n0 * g.cout() * g.oh() * g.ow());
            view(product, weight).arg(dcols);
            products(product, c.n() * g.groups() * ceilDiv(tapsPerGroup(g), CB) * spans(g, dtype));
            OpenClConv.geometry(kernel(backend, "conv2d_columns_backward", dtype), c, p).arg(dcols)
                    .arg(dx.buffer()).arg(dx.layout().offset() + n0 * g.cin() * g.h() * g.w())
                    .launch(c.n() * g.cin() * g.h());
        });
    }

    static void backwardWeight(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Conv2dParams p,
                               BufferView dy, BufferView x, BufferView dweight) {
        if (g.n() == 0) {
            backend.fill(dweight, 0);
            return;
        }
        inChunks(backend, dtype, g, (c, n0, cols) -> {
            columns(backend, dtype, c, p, x, n0, cols);
            KernelCall call = OpenClConv.geometry(kernel(backend, "conv2d_backward_weight_columns", dtype), c, p)
                    .arg(dy.buffer()).arg(dy.layout().offset() + n0 * g.cout() * g.oh() * g.ow())
                    .arg(cols).arg(n0 > 0 ? 1 : 0);
            view(call, dweight);
            products(call, g.groups() * ceilDiv(g.cout() / g.groups(), WB_CO) * ceilDiv(tapsPerGroup(g), WB_K));
        });
    }

    /** The launches of one chunk: {@code c} is the chunk's geometry, {@code n0} its first image. */
    private interface Chunk {
        void launch(OpenClConv.Geometry c, int n0, DeviceBuffer columns);
    }

    /** Runs {@code chunk} over the batch in chunks of images, with one column buffer for all of them. */
    private static void inChunks(OpenClBackend backend, DType dtype, OpenClConv.Geometry g, Chunk chunk) {
        int images = chunk(g, dtype);
        DeviceBuffer columns = backend.allocate(dtype, images * columnsPerImage(g, dtype));
        try {
            for (int n0 = 0; n0 < g.n(); n0 += images) {
                chunk.launch(g.withBatch(Math.min(images, g.n() - n0)), n0, columns);
            }
        } finally {
            columns.release();
        }
    }

    /** The patches of images {@code n0 .. n0 + c.n() - 1} of x into cols. */
    private static void columns(OpenClBackend backend, DType dtype, OpenClConv.Geometry c, Conv2dParams p,
                                BufferView x, int n0, DeviceBuffer cols) {
        OpenClConv.geometry(kernel(backend, "conv2d_columns", dtype), c, p)
                .arg(x.buffer()).arg(x.layout().offset() + n0 * c.cin() * c.h() * c.w()).arg(cols)
                .launch(c.n() * c.cin() * c.kh() * c.kw());
    }

    private static KernelCall kernel(OpenClBackend backend, String stem, DType dtype) {
        return backend.cl().kernel(FILE, stem, dtype, "");
    }

    /**
     * Launches a product kernel of {@code items} work-items in one of two fixed group sizes, so two
     * compiles for every shape; the kernels return past their own bound. Also for {@link OpenClConvPlanes}.
     */
    static void products(KernelCall call, int items) {
        int group = items >= GROUPED_FROM ? PRODUCT_GROUP : 1;
        if (items > 0) {
            call.launch(new long[]{(long) ceilDiv(items, group) * group}, new long[]{group});
        }
    }

    private static int tapsPerGroup(OpenClConv.Geometry g) {
        return g.cin() / g.groups() * g.kh() * g.kw();
    }

    /** Output positions in whole vectors of {@code dtype}: the spans of a column row. */
    private static int spans(OpenClConv.Geometry g, DType dtype) {
        return ceilDiv(g.oh() * g.ow(), lanes(dtype));
    }

    private static int lanes(DType dtype) {
        return VECTOR_BYTES / dtype.byteSize();
    }

    /** Elements of one image's column rows; at least one, so that an empty convolution still allocates. */
    private static int columnsPerImage(OpenClConv.Geometry g, DType dtype) {
        return Math.max(1, g.cin() * g.kh() * g.kw() * spans(g, dtype) * lanes(dtype));
    }

    /** Images per chunk: as many as fit {@link #MAX_COLUMNS}, at least one. */
    private static int chunk(OpenClConv.Geometry g, DType dtype) {
        return Math.max(1, Math.min(g.n(), MAX_COLUMNS / columnsPerImage(g, dtype)));
    }
}
