package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.StateDictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of the optimizers: parameter groups, per-parameter state, and a {@link #step()} that
 * hands each parameter with a gradient to {@link #update}. Subclasses call the backend's fused
 * step ({@code tensor.backend().adamStep(...)}) on the tensors' views: no host round trip.
 */
public abstract class Optimizer implements AutoCloseable {
    private final List<ParamGroup> groups;
    private final Map<String, ParamState> states = new HashMap<>();

    protected Optimizer(List<ParamGroup> groups, double defaultLr, double defaultWeightDecay) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups given");
        }
        if (!(defaultLr >= 0) || !(defaultWeightDecay >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": lr and weight decay must be >= 0, got "
                    + defaultLr + " and " + defaultWeightDecay);
        }
        this.groups = List.copyOf(groups);
        Map<String, Boolean> seen = new HashMap<>();
        for (ParamGroup g : this.groups) {
            g.fillDefaults(defaultLr, defaultWeightDecay);
            for (String name : g.parameters().keySet()) {
                if (seen.put(name, Boolean.TRUE) != null) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": the parameter '" + name
                            + "' appears in more than one group");
                }
            }
        }
    }

    public List<ParamGroup> groups() {
        return groups;
    }

    /** Updates every parameter that has a gradient, then leaves the gradients in place (call {@link #zeroGrad()}). */
    public void step() {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (ParamGroup g : groups) {
                for (Map.Entry<String, Parameter> e : g.parameters().entrySet()) {
                    Tensor param = e.getValue().tensor();
                    Tensor grad = param.grad();
                    if (grad == null) {
                        continue;
                    }
                    ParamState s = states.computeIfAbsent(e.getKey(), k -> new ParamState());
                    s.advance();
                    Tensor contiguous = grad.contiguous();
                    update(param, contiguous, g, s);
                    if (contiguous != grad) {
                        contiguous.close();
                    }
                }
            }
        }
    }

    /** Applies one step to {@code param} in place; {@code state.step()} already counts this step. */
    protected abstract void update(Tensor param, Tensor grad, ParamGroup group, ParamState state);

    /** Frees the gradient of every parameter in every group. */
    public void zeroGrad() {
        for (ParamGroup g : groups) {
            g.parameters().values().forEach(Parameter::zeroGrad);
        }
    }

    /** A copy of the state (tensors owned by the snapshot), for checkpoints. */
    public OptimizerState saveState() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Long> steps = new LinkedHashMap<>();
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (ParamGroup g : groups) {
                for (String name : g.parameters().keySet()) {
                    ParamState s = states.get(name);
                    if (s == null) {
                        continue;
                    }
                    steps.put(name, s.step());
                    s.buffers().forEach((b, t) -> tensors.put(name + "." + b, t.copy().detachFromScopes()));
                }
            }
        }
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = groups.get(i).lr();
        }
        return new OptimizerState(tensors, steps, lrs);
    }

    /**
     * Replaces the state with copies of {@code saved}'s (on each parameter's backend). Strict: a
     * saved name that matches no parameter, a wrong shape or a different number of groups throws
     * and changes nothing.
     */
    public void loadState(OptimizerState saved) {
        if (saved.learningRates().length != groups.size()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: the state has "
                    + saved.learningRates().length + " parameter groups, this optimizer " + groups.size());
        }
        Map<String, Parameter> byName = new LinkedHashMap<>();
        groups.forEach(g -> byName.putAll(g.parameters()));
        List<String> unexpected = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (String name : saved.steps().keySet()) {
            if (!byName.containsKey(name)) {
                unexpected.add(name);
            }
        }
        Map<String, Map<String, Tensor>> byParam = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : saved.tensors().entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            String param = dot < 0 ? key : key.substring(0, dot);
            Parameter p = byName.get(param);
            if (p == null || !saved.steps().containsKey(param)) {
                unexpected.add(key);
            } else if (!p.tensor().shape().equals(e.getValue().shape())) {
                misShaped.add(key + " (expected " + p.tensor().shape() + ", got " + e.getValue().shape() + ")");
            } else {
                byParam.computeIfAbsent(param, k -> new LinkedHashMap<>()).put(key.substring(dot + 1), e.getValue());
            }
        }
        if (!unexpected.isEmpty() || !misShaped.isEmpty()) {
            throw new StateDictException(getClass().getSimpleName() + " state", List.of(), unexpected, misShaped);
        }
        states.values().forEach(ParamState::close);
        states.clear();
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Map.Entry<String, Long> e : saved.steps().entrySet()) {
                Tensor param = byName.get(e.getKey()).tensor();
                Map<String, Tensor> copies = new LinkedHashMap<>();
                byParam.getOrDefault(e.getKey(), Map.of()).forEach((b, t) -> {
                    Tensor moved = t.to(param.backend());
                    copies.put(b, moved == t ? t.copy().detachFromScopes() : moved.detachFromScopes());
                });
                ParamState s = new ParamState();
                s.restore(e.getValue(), copies);
                states.put(e.getKey(), s);
            }
        }
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(saved.learningRates()[i]);
        }
    }

    /** Frees the optimizer's state tensors. */
    @Override
    public void close() {
        states.values().forEach(ParamState::close);
        states.clear();
    }
}
