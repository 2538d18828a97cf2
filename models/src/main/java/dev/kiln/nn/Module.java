package dev.kiln.nn;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.DeviceMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.Backend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The base of every layer and model, as PyTorch's {@code nn.Module}: a tree of named
 * {@link Parameter parameters}, {@link Buffer buffers} and child modules, registered in order.
 * Qualified names follow PyTorch's {@code state_dict} convention ({@code 0.weight},
 * {@code layers.1.bias}), so checkpoints and summaries read the same as PyTorch's.
 *
 * <p>Writing a module: create tensors in the constructor, register them, keep the returned
 * handles in fields, and use {@code handle.tensor()} in the forward method.
 * <pre>{@code
 * final class Scale extends Layer {
 *     private final Parameter factor = registerParameter("factor", Tensors.current().ones(F32, 1));
 *     public Tensor forward(Tensor x) { return x.mul(factor.tensor()); }
 * }
 * }</pre>
 * A module owns its tensors: they are outside every {@link dev.kiln.api.Scope} and freed by
 * {@link #close()}, which also closes the children. Single-input layers extend {@link Layer};
 * modules with other inputs (attention, recurrent cells) extend {@code Module} directly and
 * declare their own {@code forward}.
 */
public abstract class Module implements AutoCloseable {
    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Buffer> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private Shape lastOutputShape;
    private boolean closed;

    // ------------------------------------------------------------------ registration

    /**
     * Takes ownership of {@code value} as a trainable parameter: it is removed from every open
     * scope and marked {@code requiresGrad}. {@code value} must be a floating leaf tensor.
     */
    protected final Parameter registerParameter(String name, Tensor value) {
        checkNewName(name);
        if (!value.dtype().isFloating()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' must be floating (F32 or F64), got " + value.dtype());
        }
        if (!value.isLeaf()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' must be a leaf tensor; pass value.detach() (or create it inside Autograd.noGrad())");
        }
        Parameter p = new Parameter(value.detachFromScopes().requiresGrad(true));
        parameters.put(name, p);
        return p;
    }

    /** Takes ownership of {@code value} as state that is saved and moved but not trained (e.g. running statistics). */
    protected final Buffer registerBuffer(String name, Tensor value) {
        checkNewName(name);
        if (value.requiresGrad()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": buffer '" + name
                    + "' must not require grad; register trainable tensors with registerParameter");
        }
        Buffer b = new Buffer(value.detachFromScopes());
        buffers.put(name, b);
        return b;
    }

    /** Adds {@code child} under {@code name}; its parameters appear as {@code name.param}. Returns {@code child}. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkNewName(name);
        if (child == this) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a module cannot be its own child");
        }
        children.put(name, child);
        child.train(training);
        return child;
    }

    private void checkNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "': names are non-empty and contain no '.' (dots join the levels of qualified names)");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the name '" + name + "' is already registered");
        }
    }

    // ------------------------------------------------------------------ mode

    /** Training mode (the default): dropout drops, batch norm uses and updates batch statistics. Recursive. */
    public Module train() {
        return train(true);
    }

    /** Evaluation mode: dropout is the identity, batch norm uses its running statistics. Recursive. */
    public Module eval() {
        return train(false);
    }

    public Module train(boolean on) {
        training = on;
        for (Module child : children.values()) {
            child.train(on);
        }
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    // ------------------------------------------------------------------ traversal

    /** Every parameter of this tree, in registration order (own first, then each child's). */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every parameter by qualified name ({@code layers.1.weight}). */
    public Map<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collectParameters(prefix + n + ".", out));
    }

    /** Every buffer by qualified name. */
    public Map<String, Buffer> namedBuffers() {
        LinkedHashMap<String, Buffer> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Buffer> out) {
        buffers.forEach((n, b) -> out.put(prefix + n, b));
        children.forEach((n, c) -> c.collectBuffers(prefix + n + ".", out));
    }

    /** The direct children by name. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module (under the name "") and every descendant by qualified name, depth first. */
    public Map<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        children.forEach((n, c) -> c.collectModules(name.isEmpty() ? n : name + "." + n, out));
    }

    /** The number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.tensor().numel();
        }
        return n;
    }

    /** Closes every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    // ------------------------------------------------------------------ state

    /**
     * Parameters then buffers of each module, by qualified name, as PyTorch's {@code state_dict}.
     * The tensors are the module's own (not copies): read or copy them, do not close them.
     */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p.tensor()));
        buffers.forEach((n, b) -> out.put(prefix + n, b.tensor()));
        children.forEach((n, c) -> c.collectState(prefix + n + ".", out));
    }

    /**
     * Copies {@code state}'s values into this module's tensors (converting dtype and moving across
     * backends as needed). Strict: nothing is written unless every name is present, none is
     * unexpected and every shape matches; otherwise a {@link StateDictException} lists them all.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!given.shape().equals(e.getValue().shape())) {
                misShaped.add(e.getKey() + " (expected " + e.getValue().shape() + ", got " + given.shape() + ")");
            }
        }
        for (String name : state.keySet()) {
            if (!own.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            throw new StateDictException(getClass().getSimpleName(), missing, unexpected, misShaped);
        }
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                Tensor target = e.getValue();
                if (src == target) {
                    continue;
                }
                Tensor moved = src.to(target.backend());
                moved.copyInto(target);
                if (moved != src) {
                    moved.close();
                }
            }
        }
    }

    /**
     * Moves every parameter and buffer to {@code backend} (through the host); gradients are
     * dropped. Optimizers hold the parameters' state on the old backend: create them after moving.
     */
    public Module to(Backend backend) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Parameter p : parameters()) {
                Tensor old = p.tensor();
                if (old.backend() != backend) {
                    old.zeroGrad();
                    p.replace(old.to(backend).detachFromScopes().requiresGrad(true));
                }
            }
            for (Buffer b : namedBuffers().values()) {
                Tensor old = b.tensor();
                if (old.backend() != backend) {
                    b.replace(old.to(backend).detachFromScopes());
                }
            }
        }
        return this;
    }

    // ------------------------------------------------------------------ description

    /** One line describing this module's configuration, e.g. {@code Linear(784 -> 128, bias)}. */
    @Override
    public String toString() {
        return getClass().getSimpleName();
    }

    /**
     * Runs {@code body} (the ops of a forward pass) and puts this module's description in front of
     * any shape, dtype or device mismatch they report, e.g. {@code Linear(4 -> 3): linear: [2,5] x [3,4]: ...}:
     * the caller learns which layer, configured how, refused the input, not only the op inside it.
     */
    protected final <T> T describingMismatches(Supplier<T> body) {
        try {
            return body.get();
        } catch (ShapeMismatchException e) {
            throw new ShapeMismatchException(this + ": " + e.getMessage(), e);
        } catch (DTypeMismatchException e) {
            throw new DTypeMismatchException(this + ": " + e.getMessage(), e);
        } catch (DeviceMismatchException e) {
            throw new DeviceMismatchException(this + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code input} can meet this module's parameters: their dtype and their device
     * (the first parameter stands for all). Modules without parameters accept anything here.
     */
    protected final void requireLikeParameters(String name, Tensor input) {
        Parameter first = firstParameter();
        if (first == null) {
            return;
        }
        Tensor p = first.tensor();
        if (input.backend() != p.backend()) {
            throw new DeviceMismatchException(describing(name, input), input.device(), p.device());
        }
        if (input.dtype() != p.dtype()) {
            throw new DTypeMismatchException(describing(name, input), input.dtype(), p.dtype()
                    + " like the layer's parameters; convert the " + name + " with .to(DType." + p.dtype() + ")");
        }
    }

    /** The first of {@link #parameters()} without building the list (this runs on every forward); null if none. */
    private Parameter firstParameter() {
        if (!parameters.isEmpty()) {
            return parameters.values().iterator().next();
        }
        for (Module child : children.values()) {
            Parameter p = child.firstParameter();
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private String describing(String name, Tensor input) {
        return this + " (" + name + " " + input.shape() + ")";
    }

    /** Remembers the shape of the last output this module produced, for {@link #summary()}. */
    protected final void recordOutputShape(Shape shape) {
        lastOutputShape = shape;
    }

    /** The shape of the last output recorded, or null when unknown. */
    public Shape lastOutputShape() {
        return lastOutputShape;
    }

    /** A table: qualified name, description, last output shape (when known) and parameter count of each module. */
    public String summary() {
        return ModuleSummary.render(this);
    }

    /** Parameters held by this module itself (not its children). */
    long ownParameterCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.tensor().numel();
        }
        return n;
    }

    // ------------------------------------------------------------------ memory

    /** Frees every parameter, gradient and buffer of this tree. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        parameters.values().forEach(p -> p.tensor().close());
        buffers.values().forEach(b -> b.tensor().close());
        children.values().forEach(Module::close);
    }
}
