package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/**
 * Entry checks of the fused ops, made on the host from shapes and dtypes alone (never from device
 * data): one floating dtype the device runs, contiguous views, expected shapes.
 */
final class CudaFusedChecks {
    private CudaFusedChecks() {
    }

    /**
     * Checks that every non-null view is contiguous and of the first view's dtype, which must be
     * F32 or F64 and run on this device; returns that dtype.
     */
    static DType floating(CudaBackend backend, Op op, BufferView first, BufferView... others) {
        DType dtype = first.dtype();
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new DTypeMismatchException(op.stem(), dtype, "F32 or F64");
        }
        if (!backend.supports(op, dtype)) {
            throw new UnsupportedOpException(op.stem(), dtype, backend.name());
        }
        contiguous(op, first);
        for (BufferView v : others) {
            if (v == null) {
                continue;
            }
            if (v.dtype() != dtype) {
                throw new DTypeMismatchException(op.stem(), v.dtype(), dtype + " like its first operand (all operands share one dtype)");
            }
            contiguous(op, v);
        }
        return dtype;
    }

    static void contiguous(Op op, BufferView v) {
        if (!v.isContiguous()) {
            throw new KilnException(op.stem() + ": operand " + v.layout() + " is not contiguous; fused ops take contiguous views, "
                    + "copy it to a contiguous tensor first");
        }
    }

    static void dtype(Op op, String name, BufferView v, DType expected) {
        if (v.dtype() != expected) {
            throw new DTypeMismatchException(op.stem() + " (" + name + ")", v.dtype(), expected.toString());
        }
        contiguous(op, v);
    }

    /** Throws unless {@code v} has exactly the shape {@code dims}. */
    static void shape(Op op, String name, BufferView v, int... dims) {
        Shape expected = Shape.of(dims);
        if (!v.shape().equals(expected)) {
            throw new ShapeMismatchException(op.stem() + ": " + name + " has shape " + v.shape() + ", expected " + expected);
        }
    }

    /** Throws unless {@code v} (when not null) has {@code numel} elements, in any shape. */
    static void numel(Op op, String name, BufferView v, int numel, String meaning) {
        if (v != null && v.numel() != numel) {
            throw new ShapeMismatchException(op.stem() + ": " + name + " has shape " + v.shape() + " (" + v.numel()
                    + " elements), expected " + numel + " elements (" + meaning + ")");
        }
    }

    static void rank(Op op, String name, BufferView v, int rank, String layout) {
        if (v.shape().rank() != rank) {
            throw new ShapeMismatchException(op.stem() + ": " + name + " has shape " + v.shape() + ", expected rank " + rank
                    + " " + layout);
        }
    }

    /** The last dimension of {@code x}, over which row-wise ops run; throws for a scalar. */
    static int lastDim(Op op, BufferView x) {
        if (x.shape().rank() == 0) {
            throw new ShapeMismatchException(op.stem() + ": x is a scalar " + x.shape()
                    + ", expected at least one dimension (the op runs over the last)");
        }
        return x.shape().dim(-1);
    }
}
