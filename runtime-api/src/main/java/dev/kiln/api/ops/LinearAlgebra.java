package dev.kiln.api.ops;

import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;
import java.util.Arrays;

/**
 * {@code matmul} with PyTorch's rules: 1-D x 1-D is a dot product; a 1-D left operand is a row
 * (and that dimension is dropped from the result), a 1-D right operand a column; the batch
 * dimensions of higher-rank operands broadcast. One SPI call over stride-0 views, no copies.
 */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        Backend backend = Operands.sameBackend("matmul", a, b);
        Operands.sameDtype("matmul", a, b);
        Shape sa = a.shape();
        Shape sb = b.shape();
        if (sa.rank() == 0 || sb.rank() == 0) {
            throw new ShapeMismatchException("matmul", sa, sb, "both operands need at least one dimension; use mul for scalars");
        }
        // Promote 1-D operands to matrices (as layouts only); the product is computed in full rank.
        Layout la = sa.rank() == 1 ? a.layout().unsqueeze(0) : a.layout();
        Layout lb = sb.rank() == 1 ? b.layout().unsqueeze(1) : b.layout();
        int m = la.shape().dim(-2);
        int k = la.shape().dim(-1);
        int n = lb.shape().dim(-1);
        if (lb.shape().dim(-2) != k) {
            throw new ShapeMismatchException("matmul", sa, sb, "inner dimensions " + k + " and " + lb.shape().dim(-2) + " differ");
        }
        Shape batch = broadcastBatch(sa, sb, la.shape(), lb.shape());
        Shape full = append(batch, m, n);
        Tensor out = Operands.empty(backend, a.dtype(), resultShape(batch, sa, sb, m, n));
        if (out.numel() > 0) {
            BufferView outView = Operands.viewWithShape(out, full);
            if (k == 0) {
                backend.fill(outView, 0);
            } else {
                backend.matmul(new BufferView(a.buffer(), la.expand(append(batch, m, k))),
                        new BufferView(b.buffer(), lb.expand(append(batch, k, n))), outView);
            }
        }
        return Autograd.record("matmul", out, g -> gradients(a, b, g, full), a, b);
    }

    /** {@code dA = dC B^T} and {@code dB = A^T dC}, each summed back over broadcast batch dimensions. */
    private static Tensor[] gradients(Tensor a, Tensor b, Tensor g, Shape full) {
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(1) : b;
        Tensor gFull = g.reshape(full.toArray());
        return new Tensor[] {
            a.requiresGrad() ? gFull.matmul(b2.mT()).sumTo(a2.shape()).reshape(a.shape().toArray()) : null,
            b.requiresGrad() ? a2.mT().matmul(gFull).sumTo(b2.shape()).reshape(b.shape().toArray()) : null};
    }

    private static Shape broadcastBatch(Shape sa, Shape sb, Shape matA, Shape matB) {
        Shape ba = leading(matA);
        Shape bb = leading(matB);
        try {
            return Shape.broadcast("matmul", ba, bb);
        } catch (ShapeMismatchException e) {
            throw new ShapeMismatchException("matmul", sa, sb, "batch dimensions " + ba + " and " + bb + " cannot be broadcast");
        }
    }

    private static Shape leading(Shape s) {
        return Shape.of(Arrays.copyOf(s.toArray(), s.rank() - 2));
    }

    private static Shape append(Shape batch, int rows, int cols) {
        int[] d = Arrays.copyOf(batch.toArray(), batch.rank() + 2);
        d[batch.rank()] = rows;
        d[batch.rank() + 1] = cols;
        return Shape.of(d);
    }

    /** The full-rank product's shape without the dimensions that 1-D operands gained. */
    private static Shape resultShape(Shape batch, Shape sa, Shape sb, int m, int n) {
        int[] d = batch.toArray();
        int r = d.length;
        d = Arrays.copyOf(d, r + (sa.rank() == 1 ? 0 : 1) + (sb.rank() == 1 ? 0 : 1));
        if (sa.rank() != 1) {
            d[r++] = m;
        }
        if (sb.rank() != 1) {
            d[r] = n;
        }
        return Shape.of(d);
    }
}
