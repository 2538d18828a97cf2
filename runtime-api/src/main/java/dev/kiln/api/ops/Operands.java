package dev.kiln.api.ops;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.DeviceMismatchException;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;

/** Checks shared by every op family (one device, one dtype) and the views kernels receive. */
final class Operands {
    private Operands() {
    }

    /** The backend of {@code ts}, which must all live on it. Kiln never moves data implicitly. */
    static Backend sameBackend(String op, Tensor... ts) {
        Backend b = ts[0].backend();
        for (Tensor t : ts) {
            if (t.backend() != b) {
                throw new DeviceMismatchException(op, ts[0].device(), t.device());
            }
        }
        return b;
    }

    /** The dtype shared by {@code a} and {@code b}; mixed dtypes are an error, never promoted. */
    static DType sameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new DTypeMismatchException(op, b.dtype(), a.dtype() + " like the other operand; convert one with .to(DType."
                    + a.dtype() + ") or .to(DType." + b.dtype() + ") first");
        }
        return a.dtype();
    }

    static void requireFloating(String op, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new DTypeMismatchException(op, t.dtype(), "a floating dtype (F32 or F64); convert with .to(DType.F32) first");
        }
    }

    static void requireDtype(String op, Tensor t, DType expected) {
        if (t.dtype() != expected) {
            throw new DTypeMismatchException(op, t.dtype(), expected.toString());
        }
    }

    /** {@code t} seen with the shape {@code target} through stride-0 broadcasting: a view, never a copy. */
    static BufferView broadcastView(Tensor t, Shape target) {
        return t.shape().equals(target) ? t.view() : new BufferView(t.buffer(), t.layout().expand(target));
    }

    /** A fresh tensor's buffer seen with another shape of the same element count (e.g. a reduction's kept axes). */
    static BufferView viewWithShape(Tensor fresh, Shape shape) {
        return new BufferView(fresh.buffer(), Layout.contiguous(shape));
    }

    /** Another un-recorded view of {@code t}'s buffer (the caller closes it). */
    static Tensor alias(Tensor t, Layout layout) {
        return Tensor.wrap(t.backend(), t.buffer().retain(), layout);
    }

    static Tensor empty(Backend b, DType dtype, Shape shape) {
        return Tensors.on(b).empty(dtype, shape.toArray());
    }

    /** A rank-0 tensor holding {@code value}: how double operands enter tensor ops. */
    static Tensor scalar(Backend b, DType dtype, double value) {
        return Tensors.on(b).scalar(dtype, value);
    }

    static Tensor zeros(Backend b, DType dtype, Shape shape) {
        return Tensors.on(b).zeros(dtype, shape.toArray());
    }
}
