package dev.kiln.api.spi;

import dev.kiln.api.DType;

/**
 * Tier 1: the primitives every backend implements. Conventions for all of them:
 * <ul>
 *   <li>Inputs may have any layout (strided, transposed, offset, broadcast with stride 0); the
 *       caller has already broadcast them to the output's shape.</li>
 *   <li>Outputs are written through their layout and never alias an input, except that
 *       {@code unary}, {@code binary} and {@code where} must accept an output that is exactly one
 *       of their inputs (same buffer and layout): that is how in-place updates are written.</li>
 *   <li>Index tensors are I32. Masks are BOOL (one byte, 0 or 1).</li>
 *   <li>Execution may be asynchronous; errors may surface at {@link Backend#synchronize()}.</li>
 * </ul>
 */
public interface PrimitiveOps {
    /** Allocates a buffer of at least {@code length} elements through the device's caching allocator. */
    DeviceBuffer allocate(DType dtype, int length);

    /** {@code out = op(x)}, elementwise; {@code x} and {@code out} have one shape. */
    void unary(UnaryOp op, BufferView x, BufferView out);

    /** {@code out = op(a, b)}, elementwise over one shape; comparisons write BOOL. */
    void binary(BinaryOp op, BufferView a, BufferView b, BufferView out);

    /** {@code out = cond ? a : b}, elementwise; {@code cond} is BOOL. */
    void where(BufferView cond, BufferView a, BufferView b, BufferView out);

    /**
     * Reduces {@code x} over {@code axes} (sorted, distinct, non-negative) into {@code out}, whose
     * shape is {@code x}'s with those axes set to 1. Sums are computed in a fixed order (deterministic).
     */
    void reduce(ReduceOp op, BufferView x, int[] axes, BufferView out);

    /**
     * Batched matrix product: {@code a [..., m, k] x b [..., k, n] -> out [..., m, n]}. Batch
     * dimensions are already broadcast (strides may be 0); a transposed operand is a view whose
     * last two strides are swapped.
     */
    void matmul(BufferView a, BufferView b, BufferView out);

    /** Copies {@code src} into {@code dst} (same shape and dtype), each through its own layout. */
    void copy(BufferView src, BufferView dst);

    /** Converts {@code src} into {@code dst}'s dtype (same shape). Float to int truncates toward zero. */
    void cast(BufferView src, BufferView dst);

    /** Writes {@code value} (converted to {@code dst}'s dtype) into every element of {@code dst}. */
    void fill(BufferView dst, double value);

    /** Writes {@code start + i * step} into element {@code i} (row-major) of {@code dst}. */
    void arange(BufferView dst, double start, double step);

    /** PyTorch's {@code gather}: {@code out[..i..] = x[..index[..i..]..]} along {@code axis}; {@code index} and {@code out} share a shape. */
    void gather(BufferView x, int axis, BufferView index, BufferView out);

    /** PyTorch's {@code index_select}: slices of {@code x} at the positions {@code index [n]} along {@code axis}. */
    void indexSelect(BufferView x, int axis, BufferView index, BufferView out);

    /**
     * PyTorch's {@code scatter_add_}: {@code dst[..index[..i..]..] += src[..i..]} along {@code axis},
     * in place on {@code dst}. Deterministic: sums arrive in a fixed order on every run.
     */
    void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src);

    /**
     * Fills I32 {@code dst} (contiguous) with the Philox4x32-10 stream of
     * {@link dev.kiln.api.random.Philox#randomBits(long, long, long, int[], int, int)}: word {@code i} is
     * word {@code i % 4} of the block with the 128-bit counter {@code (lo(b), hi(b), lo(counterHigh),
     * hi(counterHigh))}, {@code b = counter + i / 4}. The upper counter words let dropout draw its mask
     * ({@link dev.kiln.api.random.DropoutKey}: {@code counter = layer << 32}, {@code counterHigh = step})
     * with this one primitive. Bit-exact on every backend.
     */
    void randomBits(BufferView dst, long key, long counter, long counterHigh);

    /** {@link #randomBits(BufferView, long, long, long)} with {@code counterHigh = 0}. */
    default void randomBits(BufferView dst, long key, long counter) {
        randomBits(dst, key, counter, 0L);
    }
}
