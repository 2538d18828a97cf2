package dev.kiln.nn.layers.attention;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.nn.Module;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.Init;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.Linear;

/**
 * Multi-head attention as PyTorch's {@code nn.MultiheadAttention} (equal query, key and value
 * sizes): parameters {@code in_proj_weight [3E, E]} (query, key, value rows), {@code in_proj_bias
 * [3E]} and {@code out_proj.weight / out_proj.bias}, initialised as PyTorch (Xavier-uniform
 * projections, zero biases). Inputs are {@code [L, B, E]}, or {@code [B, L, E]} when batch-first.
 *
 * <p>Without an explicit {@code attnMask} the fused scaled-dot-product kernel runs (key padding
 * and causal masks included); otherwise the scores are materialised, masked and normalised here.
 * Dropout on the attention weights draws the mask of the child {@code dropout} module's next key
 * (number it with {@link Dropout#assignKeys}) on either path: the kernel's mask element
 * {@code ((b*H + h)*Lq + i)*Lk + j} is the flat index of the materialised {@code [B, H, Lq, Lk]} weights. A query whose keys
 * are all masked attends to nothing and yields the output projection's bias (PyTorch gives NaN).
 */
public class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final boolean batchFirst;
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;
    private final Dropout dropout;

    public MultiheadAttention(int embedDim, int numHeads, Generator generator) {
        this(embedDim, numHeads, 0.0, false, generator);
    }

    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean batchFirst, Generator generator) {
        if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embedDim (" + embedDim + ") must be a positive multiple of numHeads ("
                    + numHeads + ")");
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.batchFirst = batchFirst;
        Tensors on = Tensors.current();
        Tensor w = on.empty(DType.F32, 3 * embedDim, embedDim);
        Init.xavierUniform(w, 1.0, generator);
        inProjWeight = registerParameter("in_proj_weight", w);
        inProjBias = registerParameter("in_proj_bias", on.zeros(DType.F32, 3 * embedDim));
        outProj = registerModule("out_proj", new Linear(embedDim, embedDim, generator));
        Init.zeros(outProj.bias().tensor());
        this.dropout = registerModule("dropout", new Dropout(dropout));
    }

    /** Unmasked attention of {@code query} over {@code key} / {@code value}. */
    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, null, null, false);
    }

    /**
     * @param keyPaddingMask BOOL {@code [B, Lk]}, true for keys to ignore (nullable)
     * @param attnMask       BOOL (true = forbidden) or float (added to the scores), {@code [Lq, Lk]} or {@code [B*H, Lq, Lk]} (nullable)
     * @param causal         forbid keys after each query's position
     * @return {@code [Lq, B, E]}, or {@code [B, Lq, E]} when batch-first
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask, boolean causal) {
        checkInput("query", query);
        checkInput("key", key);
        checkInput("value", value);
        if (!key.shape().equals(value.shape())) {
            throw new ShapeMismatchException(toString(), key.shape(), value.shape(), "key and value must have the same shape");
        }
        int batchAxis = batchFirst ? 0 : 1;
        if (key.dim(batchAxis) != query.dim(batchAxis)) {
            throw new ShapeMismatchException(toString(), query.shape(), key.shape(), "query and key must have the same batch size");
        }
        return describingMismatches(() -> attend(query, key, value, keyPaddingMask, attnMask, causal));
    }

    private Tensor attend(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask, boolean causal) {
        Tensor q = batchFirst ? query : query.transpose(0, 1);
        Tensor k = batchFirst ? key : key.transpose(0, 1);
        Tensor v = batchFirst ? value : value.transpose(0, 1);
        int b = q.dim(0);
        int lq = q.dim(1);
        int lk = k.dim(1);
        Tensor[] qkv = project(query == key && key == value, q, k, v);
        Tensor qh = heads(qkv[0], b, lq);
        Tensor kh = heads(qkv[1], b, lk);
        Tensor vh = heads(qkv[2], b, lk);
        int headDim = embedDim / numHeads;
        Tensor attended = attnMask == null
                ? Functional.scaledDotProductAttention(qh, kh, vh, keyPaddingMask, fusedParams(headDim, causal))
                : materialised(qh, kh, vh, keyPaddingMask, attnMask, causal, b, lq, lk, headDim);
        Tensor merged = attended.permute(0, 2, 1, 3).reshape(b, lq, embedDim);
        Tensor out = outProj.forward(merged);
        recordOutputShape(out.shape());
        return batchFirst ? out : out.transpose(0, 1);
    }

    private AttentionParams fusedParams(int headDim, boolean causal) {
        AttentionParams plain = AttentionParams.of(headDim, causal);
        if (!isTraining() || dropout.p() == 0) {
            return plain;
        }
        return new AttentionParams(plain.scale(), causal, dropout.p(), dropout.nextKey());
    }

    private void checkInput(String name, Tensor t) {
        SequenceShape.require(this, name, t, batchFirst, embedDim);
        requireLikeParameters(name, t);
    }

    /** Query, key and value projections; one matmul when they are the same tensor (self-attention). */
    private Tensor[] project(boolean self, Tensor q, Tensor k, Tensor v) {
        Tensor w = inProjWeight.tensor();
        Tensor bias = inProjBias.tensor();
        if (self) {
            return Functional.linear(q, w, bias).chunk(3, -1);
        }
        Tensor[] ws = w.chunk(3, 0);
        Tensor[] bs = bias.chunk(3, 0);
        return new Tensor[] {Functional.linear(q, ws[0], bs[0]), Functional.linear(k, ws[1], bs[1]), Functional.linear(v, ws[2], bs[2])};
    }

    /** {@code [B, L, E]} -> {@code [B, H, L, E/H]}. */
    private Tensor heads(Tensor x, int b, int l) {
        return x.reshape(b, l, numHeads, embedDim / numHeads).permute(0, 2, 1, 3);
    }

    private Tensor materialised(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, Tensor attnMask, boolean causal,
                                int b, int lq, int lk, int headDim) {
        Tensors on = Tensors.on(q.backend());
        Tensor scores = q.matmul(k.mT()).mul(1.0 / Math.sqrt(headDim));
        Tensor additive = AttentionMasks.additive(attnMask, b, numHeads, lq, lk);
        if (additive != null) {
            scores = scores.add(additive.to(scores.dtype()));
        }
        Tensor forbidden = AttentionMasks.forbidden(attnMask, keyPaddingMask, causal, b, numHeads, lq, lk, on);
        Tensor weights;
        if (forbidden == null) {
            weights = Functional.softmax(scores, -1);
        } else {
            Tensor f = forbidden.to(scores.dtype());
            weights = Functional.softmax(scores.add(f.mul(AttentionMasks.FORBIDDEN)), -1).mul(f.rsub(1.0));
        }
        return dropout.forward(weights).matmul(v);
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    @Override
    public String toString() {
        return "MultiheadAttention(" + embedDim + ", heads " + numHeads + ", dropout " + dropout.p()
                + (batchFirst ? ", batch first)" : ")");
    }
}
