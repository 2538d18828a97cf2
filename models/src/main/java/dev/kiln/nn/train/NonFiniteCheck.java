package dev.kiln.nn.train;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.NonFiniteException;
import dev.kiln.nn.Module;
import dev.kiln.nn.Parameter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Stops training at the first NaN or infinity in the loss or in a parameter's gradient, the way
 * {@link Trainer.Builder#checkFinite} does, for hand-written loops: call it after {@code backward}
 * and before the optimizer step, so the weights stay the last finite ones.
 * <pre>{@code
 * loss.backward();
 * NonFiniteCheck.afterBackward(model, loss, "step " + step);
 * optimizer.step();
 * }</pre>
 * The parameter it names is the <em>first non-finite gradient in backward order</em>: of the
 * parameters whose gradient is non-finite, the one whose gradient backward completed first (the one
 * nearest the loss). Where a NaN arises inside backward, that is the parameter of the layer whose
 * backward made it; where the loss itself is non-finite, it is the parameter nearest the loss.
 * <p>Cost: per parameter one elementwise op and one reduction on the device, then a single host
 * read of all of them together with the loss.
 */
public final class NonFiniteCheck {
    private NonFiniteCheck() {
    }

    /**
     * Throws {@link NonFiniteException} when {@code loss} (a single value) or any gradient of
     * {@code model}'s parameters holds NaN or infinity. {@code position} says where training is
     * (e.g. {@code "step 12"}) and starts the message.
     */
    public static void afterBackward(Module model, Tensor loss, String position) {
        Map<String, Parameter> named = model.namedParameters();
        List<String> checked = new ArrayList<>();
        double[] values;
        try (Scope ignored = Scope.open(); Autograd.NoGrad noGrad = Autograd.noGrad()) {
            List<Tensor> parts = new ArrayList<>();
            parts.add(loss.detach().reshape(1));
            named.forEach((name, p) -> {
                if (p.grad() != null) {
                    parts.add(finiteFlag(p.grad(), loss.dtype()));
                    checked.add(name);
                }
            });
            values = Tensor.cat(0, parts.toArray(Tensor[]::new)).toDoubleArray();
        }
        int nonFinite = 0;
        for (int i = 1; i < values.length; i++) {
            nonFinite += Double.isFinite(values[i]) ? 0 : 1;
        }
        if (nonFinite == 0 && Double.isFinite(values[0])) {
            return;
        }
        String lossText = loss.dtype() == DType.F32 ? Float.toString((float) values[0]) : Double.toString(values[0]);
        String gradients = nonFinite == 0 ? "every parameter gradient is finite"
                : "first non-finite gradient in backward order: " + firstInBackwardOrder(named, checked, values, loss)
                + " (" + nonFinite + " of " + checked.size() + " parameter gradients non-finite)";
        throw new NonFiniteException("non-finite value at " + position + ": loss " + lossText + "; " + gradients
                + ". Lower the learning rate, clip gradients, or look for NaN or infinity in the inputs.");
    }

    /**
     * Throws {@link NonFiniteException} when a parameter of {@code model} holds NaN or infinity, as
     * an optimizer step with finite gradients can leave it (a learning rate so large that the
     * update overflows); call it before saving weights meant to be the last good ones.
     * {@code position} says where training is and starts the message, which names the first such
     * parameter in registration order.
     */
    public static void parameters(Module model, String position) {
        Map<String, Parameter> named = model.namedParameters();
        if (named.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(named.keySet());
        double[] values;
        try (Scope ignored = Scope.open(); Autograd.NoGrad noGrad = Autograd.noGrad()) {
            Tensor[] flags = names.stream().map(n -> finiteFlag(named.get(n).tensor(), DType.F32)).toArray(Tensor[]::new);
            values = Tensor.cat(0, flags).toDoubleArray();
        }
        int nonFinite = 0;
        String first = null;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                nonFinite++;
                first = first == null ? names.get(i) : first;
            }
        }
        if (first != null) {
            throw new NonFiniteException("non-finite weight at " + position + ": parameter " + first + " holds NaN or infinity ("
                    + nonFinite + " of " + names.size() + " parameters non-finite). Lower the learning rate or clip gradients.");
        }
    }

    /** One element, {@code dtype}: 0 when every element of {@code t} is finite, NaN otherwise. */
    private static Tensor finiteFlag(Tensor t, DType dtype) {
        // 0 * x is 0 for every finite x and NaN for NaN or infinity, so the sum says whether any element is non-finite.
        return t.mul(0).sum().reshape(1).to(dtype);
    }

    /** The name of the non-finite gradient's parameter met first in backward order from {@code loss}. */
    private static String firstInBackwardOrder(Map<String, Parameter> named, List<String> checked, double[] values,
                                               Tensor loss) {
        Map<Tensor, String> nameOf = new IdentityHashMap<>();
        named.forEach((name, p) -> nameOf.put(p.tensor(), name));
        // Parameters the loss does not reach (a gradient left from an earlier backward) follow in registration order.
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (Tensor leaf : Autograd.leavesInBackwardOrder(loss)) {
            String name = nameOf.get(leaf);
            if (name != null) {
                order.add(name);
            }
        }
        order.addAll(checked);
        for (String name : order) {
            int i = checked.indexOf(name);
            if (i >= 0 && !Double.isFinite(values[i + 1])) {
                return name;
            }
        }
        throw new IllegalStateException("a non-finite gradient was counted but not found");
    }
}
