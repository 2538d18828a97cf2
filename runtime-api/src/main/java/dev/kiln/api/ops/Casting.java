package dev.kiln.api.ops;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.Backend;

/** Conversions: to another dtype (on the device), and to another backend (the one explicit copy through the host). */
public final class Casting {
    private Casting() {
    }

    /** The values in {@code dtype}; float-to-int truncates toward zero. Gradients flow back only between floating dtypes. */
    public static Tensor to(Tensor x, DType dtype) {
        if (x.dtype() == dtype) {
            return x;
        }
        Tensor out = Kernels.cast(x, dtype);
        if (!dtype.isFloating()) {
            return out;
        }
        DType from = x.dtype();
        return Autograd.record("to(" + dtype + ")", out, g -> new Tensor[] {g.to(from)}, x);
    }

    /** A copy on {@code target}, read back through host memory; the gradient moves back the same way. */
    public static Tensor to(Tensor x, Backend target) {
        Backend source = x.backend();
        if (source == target) {
            return x;
        }
        Tensors on = Tensors.on(target);
        int[] shape = x.shape().toArray();
        Tensor out = switch (x.dtype()) {
            case F32 -> on.of(x.toFloatArray(), shape);
            case I32 -> on.of(x.toIntArray(), shape);
            case I64 -> on.of(x.toLongArray(), shape);
            case F64, U8, BOOL -> on.of(x.dtype(), x.toDoubleArray(), shape);
        };
        return Autograd.record("to(" + target.device() + ")", out, g -> new Tensor[] {g.to(source)}, x);
    }
}
