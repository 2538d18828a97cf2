package dev.kiln.api;

import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.autograd.GradNode;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.memory.LeakDetector;
import dev.kiln.api.ops.Casting;
import dev.kiln.api.ops.Comparison;
import dev.kiln.api.ops.Elementwise;
import dev.kiln.api.ops.Indexing;
import dev.kiln.api.ops.Joining;
import dev.kiln.api.ops.LinearAlgebra;
import dev.kiln.api.ops.Reductions;
import dev.kiln.api.ops.Shaping;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A handle on device data: a {@link Layout} over a reference-counted {@link DeviceBuffer} of one
 * {@link Backend}. Views (reshape, transpose, slice, expand, ...) share the buffer and copy
 * nothing. Tensors created while a {@link Scope} is open are closed with it; others are closed by
 * their owner. Ops are eager and record gradients when an input {@link #requiresGrad()}.
 *
 * <p>Thread-safety: a tensor may be read by several threads at once (e.g. shared model
 * weights during inference); writing (in-place ops, {@code backward}) needs exclusive access.
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final DeviceBuffer buffer;
    private final Layout layout;
    private final LeakDetector.Registration leakCheck;
    private boolean requiresGrad;
    private GradNode gradNode;
    private Tensor grad;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Wraps {@code buffer}, taking over one reference to it (the caller's). For backends and ops;
     * users create tensors with {@link Tensors}.
     */
    public static Tensor wrap(Backend backend, DeviceBuffer buffer, Layout layout) {
        return new Tensor(backend, buffer, layout);
    }

    private Tensor(Backend backend, DeviceBuffer buffer, Layout layout) {
        if (layout.extent() > buffer.capacity()) {
            throw new KilnException("tensor " + layout + " reaches element " + layout.extent()
                    + " but its buffer holds " + buffer.capacity());
        }
        this.backend = backend;
        this.buffer = buffer;
        this.layout = layout;
        this.leakCheck = LeakDetector.register(this, buffer);
        Scope scope = Scope.current();
        if (scope != null) {
            scope.register(this);
        }
    }

    // ------------------------------------------------------------------ identity

    public Backend backend() {
        return backend;
    }

    public Device device() {
        return backend.device();
    }

    public DType dtype() {
        return buffer.dtype();
    }

    public Shape shape() {
        return layout.shape();
    }

    public Layout layout() {
        return layout;
    }

    public int rank() {
        return layout.rank();
    }

    public int numel() {
        return layout.numel();
    }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return layout.shape().dim(axis);
    }

    public boolean isContiguous() {
        return layout.isContiguous();
    }

    /** What kernels receive. Throws when the tensor was closed. */
    public BufferView view() {
        checkOpen();
        return new BufferView(buffer, layout);
    }

    public DeviceBuffer buffer() {
        checkOpen();
        return buffer;
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new KilnException("tensor " + shape() + " " + dtype() + " on " + device()
                    + " was used after it was closed (its Scope ended); keep it with scope.keep(tensor) to use it later");
        }
    }

    // ------------------------------------------------------------------ memory

    /** Releases this handle's reference to the buffer (and its gradient's). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        leakCheck.closed();
        buffer.release();
        if (grad != null) {
            grad.close();
            grad = null;
        }
        // gradNode stays: a closed intermediate (e.g. the copy behind a reshape) may still be on the tape.
    }

    /** Moves this tensor out of the innermost scope into the enclosing one (or to the caller). */
    public Tensor keep() {
        Scope s = Scope.current();
        if (s != null && s.owns(this)) {
            s.keep(this);
        }
        return this;
    }

    /** Removes this tensor from every open scope of this thread: the caller now closes it. */
    public Tensor detachFromScopes() {
        Scope.disown(this);
        return this;
    }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as a parameter whose gradient {@link #backward()} accumulates into {@link #grad()}. */
    public Tensor requiresGrad(boolean value) {
        if (gradNode != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach() instead");
        }
        if (value && !dtype().isFloating()) {
            throw new IllegalStateException("only floating tensors can require grad; this one is " + dtype());
        }
        this.requiresGrad = value;
        return this;
    }

    public boolean isLeaf() {
        return gradNode == null;
    }

    /** The accumulated gradient of a leaf, or null before the first backward. */
    public Tensor grad() {
        return grad;
    }

    public GradNode gradNode() {
        return gradNode;
    }

    /** Closes and forgets the accumulated gradient. */
    public void zeroGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /** Used by {@link Autograd#record}. */
    public void attachGradNode(GradNode node) {
        this.gradNode = node;
        this.requiresGrad = true;
    }

    /**
     * Used by {@link Autograd#backward}: adds {@code g} into this leaf's gradient, which the leaf owns.
     * A first gradient that the backward pass made itself ({@code madeByBackward}) and that nothing
     * else holds is taken over instead of copied: a copy launch per parameter per step saved.
     */
    public void accumulateGrad(Tensor g, boolean madeByBackward) {
        if (!requiresGrad) {
            return;
        }
        if (grad == null) {
            grad = madeByBackward && canTakeOver(g) ? new Tensor(backend, g.buffer.retain(), g.layout).detachFromScopes()
                    : g.copy().detachFromScopes();
        } else {
            backend.binary(BinaryOp.ADD, grad.view(), g.expandTo(grad.shape()).view(), grad.view());
        }
    }

    /** Whether {@code g}'s buffer can become this leaf's gradient: held by g alone, laid out as this leaf. */
    private boolean canTakeOver(Tensor g) {
        return g.buffer.refCount() == 1 && g.backend == backend && g.dtype() == dtype() && g.layout.offset() == 0
                && g.isContiguous() && g.shape().equals(shape());
    }

    /** Back-propagates from this scalar (or single-element) tensor. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() without a gradient needs a single-element tensor, this one is "
                    + shape() + "; pass the output gradient with backward(grad)");
        }
        try (Scope ignored = Scope.open()) {
            Autograd.backward(this, Tensors.on(backend).full(dtype(), 1.0, shape().toArray()));
        }
    }

    public void backward(Tensor gradOutput) {
        Autograd.backward(this, gradOutput);
    }

    /** The same data, cut from the tape. */
    public Tensor detach() {
        return new Tensor(backend, buffer.retain(), layout);
    }

    // ------------------------------------------------------------------ views

    private Tensor viewAs(String op, Layout newLayout, GradNode.Rule rule) {
        checkOpen();
        Tensor out = new Tensor(backend, buffer.retain(), newLayout);
        return Autograd.record(op, out, rule, this);
    }

    /** A view with a new shape (one dimension may be -1), copying only when the layout does not allow a view. */
    public Tensor reshape(int... dims) {
        Shape target = inferShape(dims);
        Shape from = shape();
        return layout.reshape(target)
                .map(l -> viewAs("reshape", l, g -> new Tensor[] {g.reshape(from.toArray())}))
                .orElseGet(() -> {
                    Tensor c = copy();
                    Tensor view = c.reshape(dims);
                    c.close();
                    return view;
                });
    }

    private Shape inferShape(int[] dims) {
        int known = 1;
        int infer = -1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape " + shape() + " to " + Arrays.toString(dims) + ": only one -1 allowed");
                }
                infer = i;
            } else {
                known *= dims[i];
            }
        }
        int[] d = dims.clone();
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot view " + shape() + " as " + Arrays.toString(dims));
            }
            d[infer] = numel() / known;
        }
        return Shape.of(d);
    }

    public Tensor permute(int... order) {
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[shape().normalizeAxis(order[i])] = i;
        }
        return viewAs("permute", layout.permute(order), g -> new Tensor[] {g.permute(inverse)});
    }

    public Tensor transpose(int a, int b) {
        return viewAs("transpose", layout.transpose(a, b), g -> new Tensor[] {g.transpose(a, b)});
    }

    /** The transpose of the last two dimensions. */
    public Tensor mT() {
        return transpose(-2, -1);
    }

    public Tensor slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    public Tensor slice(int axis, int start, int end, int step) {
        Shape from = shape();
        DType dt = dtype();
        return viewAs("slice", layout.slice(axis, start, end, step), g -> {
            Tensor full = Tensors.on(g.backend()).zeros(dt, from.toArray());
            g.copyInto(full.slice(axis, start, end, step));
            return new Tensor[] {full};
        });
    }

    /** Index {@code i} along {@code axis}, removing that axis. */
    public Tensor select(int axis, int i) {
        int a = shape().normalizeAxis("select", axis);
        if (i < -dim(a) || i >= dim(a)) {
            throw new IllegalArgumentException("select: index " + i + " is out of range for axis " + a + " of shape " + shape()
                    + " (size " + dim(a) + ")");
        }
        Tensor sliced = slice(axis, i, i + 1);
        Tensor out = sliced.squeeze(axis);
        sliced.close();
        return out;
    }

    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + rank() + 1 : axis;
        return viewAs("unsqueeze", layout.unsqueeze(axis), g -> new Tensor[] {g.squeeze(a)});
    }

    public Tensor squeeze(int axis) {
        int a = shape().normalizeAxis("squeeze", axis);
        return viewAs("squeeze", layout.squeeze(axis), g -> new Tensor[] {g.unsqueeze(a)});
    }

    /** Broadcasts to {@code dims} (PyTorch's {@code expand}); the gradient sums over the broadcast dimensions. */
    public Tensor expand(int... dims) {
        return expandTo(Shape.of(dims));
    }

    public Tensor expandTo(Shape target) {
        if (target.equals(shape())) {
            return this;
        }
        Shape from = shape();
        return viewAs("expand", layout.expand(target), g -> new Tensor[] {g.sumTo(from)});
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy with its own buffer (on the tape: the gradient passes through). */
    public Tensor copy() {
        checkOpen();
        Tensor out = Tensors.on(backend).empty(dtype(), shape().toArray());
        backend.copy(view(), out.view());
        return Autograd.record("copy", out, g -> new Tensor[] {g}, this);
    }

    /** Writes this tensor's values into {@code dst} (same shape, e.g. a slice view); not recorded on the tape. */
    public void copyInto(Tensor dst) {
        if (!dst.shape().equals(shape())) {
            throw new dev.kiln.api.errors.ShapeMismatchException("copyInto", shape(), dst.shape(), "shapes must be equal");
        }
        if (dst.dtype() == dtype()) {
            backend.copy(view(), dst.view());
        } else {
            backend.cast(view(), dst.view());
        }
    }

    // ------------------------------------------------------------------ math (dev.kiln.api.ops)

    public Tensor add(Tensor other) {
        return Elementwise.add(this, other);
    }

    public Tensor add(double c) {
        return Elementwise.add(this, c);
    }

    public Tensor sub(Tensor other) {
        return Elementwise.sub(this, other);
    }

    public Tensor sub(double c) {
        return Elementwise.sub(this, c);
    }

    /** {@code c - this}. */
    public Tensor rsub(double c) {
        return Elementwise.rsub(this, c);
    }

    public Tensor mul(Tensor other) {
        return Elementwise.mul(this, other);
    }

    public Tensor mul(double c) {
        return Elementwise.mul(this, c);
    }

    public Tensor div(Tensor other) {
        return Elementwise.div(this, other);
    }

    public Tensor div(double c) {
        return Elementwise.div(this, c);
    }

    public Tensor pow(Tensor exponent) {
        return Elementwise.pow(this, exponent);
    }

    public Tensor pow(double exponent) {
        return Elementwise.pow(this, exponent);
    }

    public Tensor maximum(Tensor other) {
        return Elementwise.maximum(this, other);
    }

    public Tensor maximum(double c) {
        return Elementwise.maximum(this, c);
    }

    public Tensor minimum(Tensor other) {
        return Elementwise.minimum(this, other);
    }

    public Tensor minimum(double c) {
        return Elementwise.minimum(this, c);
    }

    public Tensor neg() {
        return Elementwise.neg(this);
    }

    public Tensor abs() {
        return Elementwise.abs(this);
    }

    public Tensor sign() {
        return Elementwise.sign(this);
    }

    public Tensor exp() {
        return Elementwise.exp(this);
    }

    public Tensor log() {
        return Elementwise.log(this);
    }

    public Tensor sqrt() {
        return Elementwise.sqrt(this);
    }

    public Tensor rsqrt() {
        return Elementwise.rsqrt(this);
    }

    public Tensor reciprocal() {
        return Elementwise.reciprocal(this);
    }

    public Tensor square() {
        return Elementwise.square(this);
    }

    public Tensor sin() {
        return Elementwise.sin(this);
    }

    public Tensor cos() {
        return Elementwise.cos(this);
    }

    public Tensor tanh() {
        return Elementwise.tanh(this);
    }

    public Tensor sigmoid() {
        return Elementwise.sigmoid(this);
    }

    public Tensor relu() {
        return Elementwise.relu(this);
    }

    public Tensor leakyRelu(double slope) {
        return Elementwise.leakyRelu(this, slope);
    }

    /** The exact (erf-based) GELU. */
    public Tensor gelu() {
        return Elementwise.gelu(this);
    }

    public Tensor erf() {
        return Elementwise.erf(this);
    }

    public Tensor floor() {
        return Elementwise.floor(this);
    }

    public Tensor ceil() {
        return Elementwise.ceil(this);
    }

    /** Round half to even. */
    public Tensor round() {
        return Elementwise.round(this);
    }

    public Tensor clamp(double min, double max) {
        return Elementwise.clamp(this, min, max);
    }

    /** {@code cond ? a : b} elementwise with broadcasting; {@code cond} is BOOL. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    public Tensor eq(Tensor other) {
        return Comparison.compare(BinaryOp.EQ, this, other);
    }

    public Tensor eq(double c) {
        return Comparison.compare(BinaryOp.EQ, this, c);
    }

    public Tensor ne(Tensor other) {
        return Comparison.compare(BinaryOp.NE, this, other);
    }

    public Tensor ne(double c) {
        return Comparison.compare(BinaryOp.NE, this, c);
    }

    public Tensor lt(Tensor other) {
        return Comparison.compare(BinaryOp.LT, this, other);
    }

    public Tensor lt(double c) {
        return Comparison.compare(BinaryOp.LT, this, c);
    }

    public Tensor le(Tensor other) {
        return Comparison.compare(BinaryOp.LE, this, other);
    }

    public Tensor le(double c) {
        return Comparison.compare(BinaryOp.LE, this, c);
    }

    public Tensor gt(Tensor other) {
        return Comparison.compare(BinaryOp.GT, this, other);
    }

    public Tensor gt(double c) {
        return Comparison.compare(BinaryOp.GT, this, c);
    }

    public Tensor ge(Tensor other) {
        return Comparison.compare(BinaryOp.GE, this, other);
    }

    public Tensor ge(double c) {
        return Comparison.compare(BinaryOp.GE, this, c);
    }

    public Tensor logicalAnd(Tensor other) {
        return Comparison.logicalAnd(this, other);
    }

    public Tensor logicalOr(Tensor other) {
        return Comparison.logicalOr(this, other);
    }

    public Tensor logicalNot() {
        return Comparison.logicalNot(this);
    }

    /** Whether no element is infinite or NaN (reads one value back to the host). */
    public boolean allFinite() {
        return Comparison.allFinite(this);
    }

    /** The sum of all elements (rank 0). */
    public Tensor sum() {
        return Reductions.sum(this);
    }

    public Tensor sum(int axis, boolean keepDim) {
        return Reductions.sum(this, new int[] {axis}, keepDim);
    }

    public Tensor sum(int[] axes, boolean keepDim) {
        return Reductions.sum(this, axes, keepDim);
    }

    public Tensor mean() {
        return Reductions.mean(this);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return Reductions.mean(this, new int[] {axis}, keepDim);
    }

    public Tensor mean(int[] axes, boolean keepDim) {
        return Reductions.mean(this, axes, keepDim);
    }

    /** Values of the maximum along {@code axis}; the gradient goes to the first maximal index. */
    public Tensor max(int axis, boolean keepDim) {
        return Reductions.max(this, axis, keepDim);
    }

    /** Values of the minimum along {@code axis}; the gradient goes to the first minimal index. */
    public Tensor min(int axis, boolean keepDim) {
        return Reductions.min(this, axis, keepDim);
    }

    /** The largest element (rank 0); ties share the gradient. */
    public Tensor amax() {
        return Reductions.amax(this);
    }

    public Tensor amin() {
        return Reductions.amin(this);
    }

    /** First index (I64) of the maximum along {@code axis}. */
    public Tensor argmax(int axis, boolean keepDim) {
        return Reductions.argmax(this, axis, keepDim);
    }

    public Tensor argmin(int axis, boolean keepDim) {
        return Reductions.argmin(this, axis, keepDim);
    }

    public Tensor var(int axis, boolean keepDim, boolean unbiased) {
        return Reductions.var(this, axis, keepDim, unbiased);
    }

    /** Sums down to {@code target}, undoing a broadcast (the gradient rule of every broadcasting op). */
    public Tensor sumTo(Shape target) {
        return Reductions.sumTo(this, target);
    }

    /** Matrix product with PyTorch's rules for 1-D operands and broadcast batch dimensions. */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /** The values in another dtype (this tensor when it already has it). */
    public Tensor to(DType dtype) {
        return Casting.to(this, dtype);
    }

    /** A copy on another backend, through host memory: the only op that moves data between devices. */
    public Tensor to(Backend target) {
        return Casting.to(this, target);
    }

    public Tensor indexSelect(int axis, Tensor index) {
        return Indexing.indexSelect(this, axis, index);
    }

    public Tensor gather(int axis, Tensor index) {
        return Indexing.gather(this, axis, index);
    }

    /** A copy with {@code src} added at {@code index} along {@code axis} (out of place). */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) {
        return Indexing.scatterAdd(this, axis, index, src);
    }

    public static Tensor cat(int axis, Tensor... parts) {
        return Joining.cat(axis, parts);
    }

    public static Tensor stack(int axis, Tensor... parts) {
        return Joining.stack(axis, parts);
    }

    /** Views of pieces of {@code size} along {@code axis}. */
    public Tensor[] split(int size, int axis) {
        return Joining.split(this, size, axis);
    }

    public Tensor[] split(int[] sizes, int axis) {
        return Joining.split(this, sizes, axis);
    }

    public Tensor[] chunk(int chunks, int axis) {
        return Joining.chunk(this, chunks, axis);
    }

    /** All dimensions merged into one. */
    public Tensor flatten() {
        return Shaping.flatten(this, 0, -1);
    }

    public Tensor flatten(int startDim, int endDim) {
        return Shaping.flatten(this, startDim, endDim);
    }

    public Tensor narrow(int axis, int start, int length) {
        return Shaping.narrow(this, axis, start, length);
    }

    // ------------------------------------------------------------------ host transfer

    private ByteBuffer download() {
        Tensor c = contiguous();
        ByteBuffer b = HostData.allocate(dtype(), numel());
        if (numel() > 0) {
            backend.download(c.buffer(), c.layout().offset(), b);
        }
        if (c != this) {
            c.close();
        }
        return b;
    }

    public float[] toFloatArray() {
        return HostData.toFloats(download(), dtype(), numel());
    }

    public double[] toDoubleArray() {
        return HostData.toDoubles(download(), dtype(), numel());
    }

    public int[] toIntArray() {
        return HostData.toInts(download(), dtype(), numel());
    }

    public long[] toLongArray() {
        return HostData.toLongs(download(), dtype(), numel());
    }

    /** The value of a single-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a single-element tensor, this one is " + shape());
        }
        return HostData.get(download(), dtype(), 0);
    }

    @Override
    public String toString() {
        if (closed.get()) {
            return "Tensor" + shape() + " " + dtype() + " on " + device() + " (closed)";
        }
        double[] v = numel() <= 16 ? toDoubleArray() : null;
        return "Tensor" + shape() + " " + dtype() + " on " + device() + (v == null ? "" : " " + Arrays.toString(v));
    }
}
