package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;

/** Argument checks shared by the tier-1 ops, with messages that name the op and the operand. */
final class CpuChecks {
    private CpuChecks() {
    }

    static void dtype(String op, String operand, BufferView v, DType expected) {
        if (v.dtype() != expected) {
            throw new DTypeMismatchException(op + " (" + operand + ")", v.dtype(), expected.toString());
        }
    }

    static void sameShape(String op, String operand, BufferView v, Shape expected) {
        if (!v.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + operand + " has shape " + v.shape() + ", expected " + expected);
        }
    }
}
