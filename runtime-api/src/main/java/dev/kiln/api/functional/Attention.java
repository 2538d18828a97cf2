package dev.kiln.api.functional;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.params.AttentionParams;

/** Scaled-dot-product attention over the fused kernels, with its gradient. */
public final class Attention {
    private Attention() {
    }

    /**
     * {@code softmax(q k^T * scale, masked) v} for {@code q [B, H, Lq, D]}, {@code k [B, H, Lk, D]},
     * {@code v [B, H, Lk, Dv]} -> {@code [B, H, Lq, Dv]}; rank-3 inputs {@code [B, L, D]} are one head.
     * {@code keyPaddingMask} (BOOL {@code [B, Lk]}, nullable) is true where a key must be ignored;
     * a query whose keys are all masked yields zeros. {@code p} null means scale {@code 1/sqrt(D)},
     * not causal, no dropout.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, AttentionParams p) {
        String op = "scaledDotProductAttention";
        Checks.requireNonNull(op, q, "q");
        Checks.requireNonNull(op, k, "k");
        Checks.requireNonNull(op, v, "v");
        Checks.requireRank(op, q, "q", 3, 4);
        if (q.rank() == 3) {
            Checks.requireRank(op, k, "k", 3);
            Checks.requireRank(op, v, "v", 3);
            return scaledDotProductAttention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1), keyPaddingMask, p).squeeze(1);
        }
        Checks.requireFloating(op, q, "q");
        Checks.requireLike(op, q, k, "k");
        Checks.requireLike(op, q, v, "v");
        Checks.requireRank(op, k, "k", 4);
        Checks.requireRank(op, v, "v", 4);
        int b = q.dim(0);
        int h = q.dim(1);
        int lq = q.dim(2);
        int d = q.dim(3);
        int lk = k.dim(2);
        int dv = v.dim(3);
        if (k.dim(0) != b || k.dim(1) != h || k.dim(3) != d) {
            throw new ShapeMismatchException(op, q.shape(), k.shape(), "expected k [" + b + ", " + h + ", Lk, " + d
                    + "] to match q [B, H, Lq, D]");
        }
        Checks.requireShape(op, v, "v", Shape.of(b, h, lk, dv));
        if (keyPaddingMask != null) {
            Checks.requireSameDevice(op, q, keyPaddingMask);
            Checks.requireDType(op, keyPaddingMask, "keyPaddingMask", DType.BOOL);
            Checks.requireShape(op, keyPaddingMask, "keyPaddingMask", Shape.of(b, lk));
        }
        AttentionParams params = p == null ? AttentionParams.of(d, false) : p;
        if (params.dropoutP() > 0 && params.dropoutKey() == null) {
            throw new IllegalArgumentException(op + ": dropout probability " + params.dropoutP()
                    + " needs a DropoutKey in AttentionParams");
        }
        Tensor qc = q.contiguous();
        Tensor kc = k.contiguous();
        Tensor vc = v.contiguous();
        Tensor mask = keyPaddingMask == null ? null : keyPaddingMask.contiguous();
        Tensor out = Kernels.empty(qc, qc.dtype(), b, h, lq, dv);
        Tensor logsumexp = Kernels.empty(qc, qc.dtype(), b, h, lq);
        if (out.numel() > 0) {
            qc.backend().attention(Kernels.view(qc), Kernels.view(kc), Kernels.view(vc), Kernels.viewOrNull(mask), params,
                    Kernels.view(out), Kernels.view(logsumexp));
        }
        Kernels.releaseIfNoGrad(new Tensor[] {qc, kc, vc}, logsumexp, Kernels.madeCopy(q, qc), Kernels.madeCopy(k, kc),
                Kernels.madeCopy(v, vc), Kernels.madeCopy(keyPaddingMask, mask));
        return Autograd.record(op, out, g -> {
            Tensor dq = Kernels.emptyLike(qc);
            Tensor dk = Kernels.emptyLike(kc);
            Tensor dvOut = Kernels.emptyLike(vc);
            qc.backend().attentionBackward(Kernels.view(g.contiguous()), Kernels.view(qc), Kernels.view(kc),
                    Kernels.view(vc), Kernels.viewOrNull(mask), params, Kernels.view(out), Kernels.view(logsumexp),
                    Kernels.view(dq), Kernels.view(dk), Kernels.view(dvOut));
            return new Tensor[] {dq, dk, dvOut};
        }, qc, kc, vc);
    }
}
