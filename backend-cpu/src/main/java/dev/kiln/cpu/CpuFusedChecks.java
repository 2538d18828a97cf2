package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;

/** Entry checks shared by the fused ops: one floating dtype, contiguous views, expected shapes. */
final class CpuFusedChecks {
    private CpuFusedChecks() {
    }

    /**
     * Checks that every non-null view is contiguous and of the first view's dtype, which must be
     * F32 or F64; returns that dtype.
     */
    static DType floating(String op, BufferView first, BufferView... others) {
        DType dtype = first.dtype();
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new DTypeMismatchException(op, dtype, "F32 or F64");
        }
        contiguous(op, first);
        for (BufferView v : others) {
            if (v == null) {
                continue;
            }
            if (v.dtype() != dtype) {
                throw new DTypeMismatchException(op, v.dtype(), dtype + " like its first operand (all operands share one dtype)");
            }
            contiguous(op, v);
        }
        return dtype;
    }

    /** An empty view touches no element, so it passes whatever its strides say. */
    static void contiguous(String op, BufferView v) {
        if (v.numel() > 0 && !v.isContiguous()) {
            throw new KilnException(op + ": operand " + v.layout() + " is not contiguous; fused ops take contiguous views, "
                    + "copy it to a contiguous tensor first");
        }
    }

    static void dtype(String op, String name, BufferView v, DType expected) {
        if (v.dtype() != expected) {
            throw new DTypeMismatchException(op + " (" + name + ")", v.dtype(), expected.toString());
        }
        contiguous(op, v);
    }

    /** Throws unless {@code v} has exactly the shape {@code dims}. */
    static void shape(String op, String name, BufferView v, int... dims) {
        Shape expected = Shape.of(dims);
        if (!v.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + v.shape() + ", expected " + expected);
        }
    }

    /** Throws unless {@code v} has {@code numel} elements (any shape that flattens to them). */
    static void numel(String op, String name, BufferView v, int numel, String meaning) {
        if (v.numel() != numel) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + v.shape() + " (" + v.numel()
                    + " elements), expected " + numel + " elements (" + meaning + ")");
        }
    }

    static void rank(String op, String name, BufferView v, int rank, String layout) {
        if (v.shape().rank() != rank) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + v.shape() + ", expected rank " + rank
                    + " " + layout);
        }
    }
}
