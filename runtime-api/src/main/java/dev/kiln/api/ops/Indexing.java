package dev.kiln.api.ops;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.Backend;

/**
 * Index-driven reads and writes along one axis: {@code indexSelect}, {@code gather} and an
 * out-of-place {@code scatterAdd}. Indices may be I32 or I64 (the SPI takes I32, so I64 indices
 * are converted first). The gradients of the reads are scatter-adds into zeros, which the SPI
 * keeps deterministic.
 */
public final class Indexing {
    private Indexing() {
    }

    /** Slices of {@code x} at the positions {@code index [n]} along {@code axis}. */
    public static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        Backend backend = Operands.sameBackend("indexSelect", x, index);
        int a = x.shape().normalizeAxis("indexSelect", axis);
        if (index.rank() != 1) {
            throw new ShapeMismatchException("indexSelect: the index must be 1-D, got " + index.shape());
        }
        Tensor out = Operands.empty(backend, x.dtype(), x.shape().withDim(a, index.numel()));
        if (out.numel() > 0) {
            try (Indices idx = Indices.of("indexSelect", index)) {
                backend.indexSelect(x.view(), a, idx.tensor().view(), out.view());
            }
        }
        Shape from = x.shape();
        return Autograd.record("indexSelect", out, g -> {
            int[] along = new int[from.rank()];
            java.util.Arrays.fill(along, 1);
            along[a] = index.numel();
            Tensor spread = index.reshape(along).expandTo(g.shape());
            return new Tensor[] {addedIntoZeros(from, a, spread, g)};
        }, x);
    }

    /** PyTorch's {@code gather}: {@code out[..i..] = x[..index[..i..]..]} along {@code axis}; out has index's shape. */
    public static Tensor gather(Tensor x, int axis, Tensor index) {
        Backend backend = Operands.sameBackend("gather", x, index);
        int a = x.shape().normalizeAxis("gather", axis);
        if (index.rank() != x.rank()) {
            throw new ShapeMismatchException("gather", x.shape(), index.shape(), "the index must have the input's rank");
        }
        Tensor out = Operands.empty(backend, x.dtype(), index.shape());
        if (out.numel() > 0) {
            try (Indices idx = Indices.of("gather", index)) {
                backend.gather(x.view(), a, idx.tensor().view(), out.view());
            }
        }
        Shape from = x.shape();
        return Autograd.record("gather", out,
                g -> new Tensor[] {addedIntoZeros(from, a, index, g)}, x);
    }

    /**
     * The gradient of a read of a tensor of {@code shape}: {@code g} scatter-added into zeros along
     * {@code axis}, in place, since the zeros are fresh (the out-of-place scatterAdd would copy them first).
     */
    private static Tensor addedIntoZeros(Shape shape, int axis, Tensor index, Tensor g) {
        Tensor out = Operands.zeros(g.backend(), g.dtype(), shape);
        if (g.numel() > 0) {
            try (Indices idx = Indices.of("scatterAdd", index)) {
                g.backend().scatterAdd(out.view(), axis, idx.tensor().view(), g.view());
            }
        }
        return out;
    }

    /** A copy of {@code x} with {@code src[..i..]} added at {@code x[..index[..i..]..]} along {@code axis}. */
    public static Tensor scatterAdd(Tensor x, int axis, Tensor index, Tensor src) {
        Backend backend = Operands.sameBackend("scatterAdd", x, index, src);
        Operands.sameDtype("scatterAdd", x, src);
        int a = x.shape().normalizeAxis("scatterAdd", axis);
        if (!index.shape().equals(src.shape())) {
            throw new ShapeMismatchException("scatterAdd", index.shape(), src.shape(), "the index and the source must have one shape");
        }
        if (index.rank() != x.rank()) {
            throw new ShapeMismatchException("scatterAdd", x.shape(), index.shape(), "the index must have the input's rank");
        }
        Tensor out = Kernels.copy(x);
        if (src.numel() > 0) {
            try (Indices idx = Indices.of("scatterAdd", index)) {
                backend.scatterAdd(out.view(), a, idx.tensor().view(), src.view());
            }
        }
        return Autograd.record("scatterAdd", out, g -> new Tensor[] {g, src.requiresGrad() ? g.gather(a, index) : null}, x, src);
    }

    /** An index tensor as the SPI wants it (I32); owns the converted copy when there is one. */
    private record Indices(Tensor tensor, boolean converted) implements AutoCloseable {
        static Indices of(String op, Tensor index) {
            if (index.dtype() == DType.I32) {
                return new Indices(index, false);
            }
            if (index.dtype() == DType.I64) {
                return new Indices(Kernels.cast(index, DType.I32), true);
            }
            throw new DTypeMismatchException(op + " (index)", index.dtype(), "I32 or I64; convert with .to(DType.I64)");
        }

        @Override
        public void close() {
            if (converted) {
                tensor.close();
            }
        }
    }
}
