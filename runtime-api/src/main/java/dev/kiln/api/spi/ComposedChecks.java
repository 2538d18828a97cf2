package dev.kiln.api.spi;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.ShapeMismatchException;

/** Entry checks of the composed fused ops: the {@link FusedOps} contract, stated in the error when broken. */
final class ComposedChecks {
    private ComposedChecks() {
    }

    /** Every non-null view contiguous and of {@code first}'s dtype, which is F32 or F64. */
    static DType floating(String op, BufferView first, BufferView... others) {
        DType dtype = first.dtype();
        if (!dtype.isFloating()) {
            throw new DTypeMismatchException(op, dtype, "F32 or F64");
        }
        contiguous(op, first);
        for (BufferView v : others) {
            if (v != null) {
                if (v.dtype() != dtype) {
                    throw new DTypeMismatchException(op, v.dtype(), dtype + " like its first operand (all operands share one dtype)");
                }
                contiguous(op, v);
            }
        }
        return dtype;
    }

    static void dtype(String op, String name, BufferView v, DType expected) {
        if (v.dtype() != expected) {
            throw new DTypeMismatchException(op + " (" + name + ")", v.dtype(), expected.toString());
        }
        contiguous(op, v);
    }

    static void contiguous(String op, BufferView v) {
        if (!v.isContiguous()) {
            throw new KilnException(op + ": operand " + v.layout() + " is not contiguous; fused ops take contiguous views, "
                    + "copy it to a contiguous tensor first");
        }
    }

    /** Throws unless the nullable {@code v} is null or has exactly {@code dims}. */
    static void shape(String op, String name, BufferView v, int... dims) {
        Shape expected = Shape.of(dims);
        if (v != null && !v.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + v.shape() + ", expected " + expected);
        }
    }

    /** Throws unless the nullable {@code v} is null or has {@code numel} elements. */
    static void numel(String op, String name, BufferView v, int numel, String meaning) {
        if (v != null && v.numel() != numel) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + v.shape() + " (" + v.numel()
                    + " elements), expected " + numel + " (" + meaning + ")");
        }
    }

    static void rank(String op, String name, BufferView v, int rank, String layout) {
        if (v.shape().rank() != rank) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + v.shape() + ", expected rank " + rank + " " + layout);
        }
    }
}
