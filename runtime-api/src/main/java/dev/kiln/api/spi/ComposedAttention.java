package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.ADD;
import static dev.kiln.api.spi.BinaryOp.DIV;
import static dev.kiln.api.spi.BinaryOp.EQ;
import static dev.kiln.api.spi.BinaryOp.GT;
import static dev.kiln.api.spi.BinaryOp.MUL;
import static dev.kiln.api.spi.BinaryOp.OR;
import static dev.kiln.api.spi.BinaryOp.SUB;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.params.AttentionParams;

/**
 * Scaled-dot-product attention composed from tier-1 ops. This portable fallback materialises the
 * {@code [b, h, lq, lk]} scores and weights; overrides must keep memory O(lq x d) (flash-style tiles).
 */
final class ComposedAttention {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    private ComposedAttention() {
    }

    /** {@code q [b, h, lq, d]}, {@code k [b, h, lk, d]}, {@code v [b, h, lk, dv]}. */
    private record Geometry(int b, int h, int lq, int lk, int d, int dv) {
        Shape scores() {
            return Shape.of(b, h, lq, lk);
        }
    }

    static void forward(PrimitiveOps ops, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                        AttentionParams p, BufferView out, BufferView logsumexp) {
        String op = "attention";
        ComposedChecks.floating(op, q, k, v, out, logsumexp);
        Geometry g = geometry(op, q, k, v, keyPaddingMask, p);
        ComposedChecks.shape(op, "out", out, g.b, g.h, g.lq, g.dv);
        ComposedChecks.shape(op, "logsumexp", logsumexp, g.b, g.h, g.lq);
        if (out.numel() == 0 && logsumexp.numel() == 0) {
            return;
        }
        BufferView lse = Views.reshape(logsumexp, g.b, g.h, g.lq, 1);
        if (g.lk == 0) {
            ops.fill(out, 0.0);
            ops.fill(lse, NEG_INF);
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView scores = maskedScores(s, q, k, keyPaddingMask, p, g);
            BufferView max = s.reduce(ReduceOp.MAX, scores, 3);
            BufferView safeMax = s.where(s.binary(EQ, max, NEG_INF), s.constant(q.dtype(), 0.0, Shape.scalar()), max);
            BufferView e = s.unary(UnaryOp.EXP, s.binary(SUB, scores, safeMax));
            BufferView sum = s.reduce(ReduceOp.SUM, e, 3);
            s.binaryInto(ADD, safeMax, s.unary(UnaryOp.LOG, sum), lse);
            // a row whose keys are all masked has sum 0: dividing by 1 instead leaves its weights, and output, zero
            BufferView safeSum = s.where(s.binary(EQ, sum, 0.0), s.constant(q.dtype(), 1.0, Shape.scalar()), sum);
            BufferView weights = dropped(s, s.binary(DIV, e, safeSum), p, g);
            s.matmulInto(weights, v, out);
        }
    }

    /**
     * With {@code P = exp(S - logsumexp)} (and {@code P'} after dropout): {@code dv = P'^T dout},
     * {@code dP = dropout(dout v^T)}, {@code dS = P * (dP - rowsum(dP * P))}, {@code dq = scale dS k},
     * {@code dk = scale dS^T q}.
     */
    static void backward(PrimitiveOps ops, BufferView dout, BufferView q, BufferView k, BufferView v,
                         BufferView keyPaddingMask, AttentionParams p, BufferView out, BufferView logsumexp,
                         BufferView dq, BufferView dk, BufferView dv) {
        String op = "attentionBackward";
        ComposedChecks.floating(op, q, k, v, dout, out, logsumexp, dq, dk, dv);
        Geometry g = geometry(op, q, k, v, keyPaddingMask, p);
        ComposedChecks.shape(op, "dout", dout, g.b, g.h, g.lq, g.dv);
        ComposedChecks.shape(op, "logsumexp", logsumexp, g.b, g.h, g.lq);
        ComposedChecks.shape(op, "dq", dq, q.shape().toArray());
        ComposedChecks.shape(op, "dk", dk, k.shape().toArray());
        ComposedChecks.shape(op, "dv", dv, v.shape().toArray());
        if (g.lq == 0 || g.lk == 0) {
            ops.fill(dq, 0.0);
            ops.fill(dk, 0.0);
            ops.fill(dv, 0.0);
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView lse = Views.reshape(logsumexp, g.b, g.h, g.lq, 1);
            BufferView safeLse = s.where(s.binary(EQ, lse, NEG_INF), s.constant(q.dtype(), 0.0, Shape.scalar()), lse);
            BufferView weights = s.unary(UnaryOp.EXP, s.binary(SUB, maskedScores(s, q, k, keyPaddingMask, p, g), safeLse));
            s.matmulInto(Views.transposeLast(dropped(s, weights, p, g)), dout, dv);
            BufferView dWeights = dropped(s, s.matmul(dout, Views.transposeLast(v)), p, g);
            BufferView rowDot = s.reduce(ReduceOp.SUM, s.binary(MUL, dWeights, weights), 3);
            BufferView dScores = s.binary(MUL, s.binary(MUL, weights, s.binary(SUB, dWeights, rowDot)), p.scale());
            s.matmulInto(dScores, k, dq);
            s.matmulInto(Views.transposeLast(dScores), q, dk);
        }
    }

    /** {@code scale * q k^T} with masked keys (causal: key after query; padding: flagged key) set to -inf. */
    private static BufferView maskedScores(Scratch s, BufferView q, BufferView k, BufferView keyPaddingMask,
                                           AttentionParams p, Geometry g) {
        BufferView scores = s.binary(MUL, s.matmul(q, Views.transposeLast(k)), p.scale());
        BufferView masked = null;
        if (p.causal()) {
            masked = s.binary(GT, s.arange(DType.I32, 0, 1, 1, g.lk), s.arange(DType.I32, 0, 1, g.lq, 1));
        }
        if (keyPaddingMask != null) {
            BufferView padding = Views.strided(keyPaddingMask, new int[] {g.b, 1, 1, g.lk}, new int[] {g.lk, 0, 0, 1}, 0);
            masked = masked == null ? padding : s.binary(OR, masked, padding);
        }
        return masked == null ? scores : s.where(masked, s.constant(q.dtype(), NEG_INF, Shape.scalar()), scores);
    }

    /** The attention weights after dropout (mask element {@code ((b*heads + h)*lq + i)*lk + j}), or as they are. */
    private static BufferView dropped(Scratch s, BufferView weights, AttentionParams p, Geometry g) {
        if (p.dropoutP() == 0) {
            return weights;
        }
        BufferView keep = ComposedDropout.keepMask(s, p.dropoutKey(), p.dropoutP(), g.scores());
        return s.where(keep, s.binary(DIV, weights, 1 - p.dropoutP()), s.constant(weights.dtype(), 0.0, Shape.scalar()));
    }

    private static Geometry geometry(String op, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                                     AttentionParams p) {
        ComposedChecks.rank(op, "q", q, 4, "[b, h, lq, d]");
        ComposedChecks.rank(op, "k", k, 4, "[b, h, lk, d]");
        ComposedChecks.rank(op, "v", v, 4, "[b, h, lk, dv]");
        int[] qd = q.shape().toArray();
        Geometry g = new Geometry(qd[0], qd[1], qd[2], k.shape().dim(2), qd[3], v.shape().dim(3));
        ComposedChecks.shape(op, "k", k, g.b, g.h, g.lk, g.d);
        ComposedChecks.shape(op, "v", v, g.b, g.h, g.lk, g.dv);
        if (keyPaddingMask != null) {
            ComposedChecks.dtype(op, "keyPaddingMask", keyPaddingMask, DType.BOOL);
            ComposedChecks.shape(op, "keyPaddingMask", keyPaddingMask, g.b, g.lk);
        }
        if (p.dropoutP() > 0 && p.dropoutKey() == null) {
            throw new IllegalArgumentException(op + ": dropout probability " + p.dropoutP()
                    + " needs a dropout key (AttentionParams.dropoutKey) to draw the same mask in backward");
        }
        return g;
    }
}
