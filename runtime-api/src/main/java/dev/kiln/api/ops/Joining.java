package dev.kiln.api.ops;

import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;

/**
 * Joining tensors ({@code cat}, {@code stack}: one copy of each part into a slice of the result)
 * and splitting them ({@code split}, {@code chunk}: views). The gradient of a join is the matching
 * slice of the output's gradient.
 */
public final class Joining {
    private Joining() {
    }

    /** Concatenates along an existing {@code axis}; all other dimensions must agree. */
    public static Tensor cat(int axis, Tensor... parts) {
        Tensor first = requireParts("cat", parts);
        Backend backend = Operands.sameBackend("cat", parts);
        int a = first.shape().normalizeAxis("cat", axis);
        int[] offsets = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            Tensor t = parts[i];
            Operands.sameDtype("cat", first, t);
            if (t.rank() != first.rank() || !t.shape().withDim(a, 0).equals(first.shape().withDim(a, 0))) {
                throw new ShapeMismatchException("cat", first.shape(), t.shape(),
                        "part " + i + " differs outside axis " + a + "; only that axis may differ");
            }
            offsets[i + 1] = offsets[i] + t.dim(a);
        }
        Tensor out = Operands.empty(backend, first.dtype(), first.shape().withDim(a, offsets[parts.length]));
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].numel() > 0) {
                Layout slot = out.layout().slice(a, offsets[i], offsets[i + 1], 1);
                backend.copy(parts[i].view(), new BufferView(out.buffer(), slot));
            }
        }
        return Autograd.record("cat", out, g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                grads[i] = parts[i].requiresGrad() ? g.slice(a, offsets[i], offsets[i + 1]) : null;
            }
            return grads;
        }, parts);
    }

    /** Joins equally shaped tensors along a new {@code axis} (0 to rank). */
    public static Tensor stack(int axis, Tensor... parts) {
        Tensor first = requireParts("stack", parts);
        Backend backend = Operands.sameBackend("stack", parts);
        int a = axis < 0 ? axis + first.rank() + 1 : axis;
        if (a < 0 || a > first.rank()) {
            throw new IllegalArgumentException("stack: axis " + axis + " is out of range for parts of shape " + first.shape());
        }
        for (int i = 0; i < parts.length; i++) {
            Operands.sameDtype("stack", first, parts[i]);
            if (!parts[i].shape().equals(first.shape())) {
                throw new ShapeMismatchException("stack", first.shape(), parts[i].shape(), "part " + i + " differs; all parts need one shape");
            }
        }
        Shape shape = Layout.contiguous(first.shape()).unsqueeze(a).shape().withDim(a, parts.length);
        Tensor out = Operands.empty(backend, first.dtype(), shape);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].numel() > 0) {
                Layout slot = out.layout().slice(a, i, i + 1, 1).squeeze(a);
                backend.copy(parts[i].view(), new BufferView(out.buffer(), slot));
            }
        }
        return Autograd.record("stack", out, g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                grads[i] = parts[i].requiresGrad() ? g.select(a, i) : null;
            }
            return grads;
        }, parts);
    }

    /** Views of consecutive pieces of {@code size} along {@code axis}; the last may be smaller. */
    public static Tensor[] split(Tensor x, int size, int axis) {
        if (size <= 0) {
            throw new IllegalArgumentException("split: the piece size must be positive, got " + size);
        }
        int d = x.dim(axis);
        int count = Math.max(1, (d + size - 1) / size);
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            sizes[i] = Math.min(size, d - i * size);
        }
        return split(x, sizes, axis);
    }

    /** Views of consecutive pieces with the given sizes along {@code axis}, which must add up to its length. */
    public static Tensor[] split(Tensor x, int[] sizes, int axis) {
        int d = x.dim(axis);
        int total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative piece size " + s);
            }
            total += s;
        }
        if (total != d) {
            throw new IllegalArgumentException("split: piece sizes " + java.util.Arrays.toString(sizes) + " add up to " + total
                    + " but axis " + axis + " of " + x.shape() + " has " + d);
        }
        Tensor[] pieces = new Tensor[sizes.length];
        for (int i = 0, at = 0; i < sizes.length; at += sizes[i], i++) {
            pieces[i] = x.slice(axis, at, at + sizes[i]);
        }
        return pieces;
    }

    /** {@code chunks} views of equal size along {@code axis} (the last smaller), as PyTorch's {@code chunk}. */
    public static Tensor[] chunk(Tensor x, int chunks, int axis) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: the number of chunks must be positive, got " + chunks);
        }
        int d = x.dim(axis);
        return split(x, Math.max(1, (d + chunks - 1) / chunks), axis);
    }

    private static Tensor requireParts(String op, Tensor[] parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException(op + ": needs at least one tensor");
        }
        return parts[0];
    }
}
