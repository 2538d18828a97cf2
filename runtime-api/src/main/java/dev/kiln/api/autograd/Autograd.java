package dev.kiln.api.autograd;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.ShapeMismatchException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tape: ops record a {@link GradNode} on their output when gradients are enabled and an input
 * requires them; {@link #backward} walks the graph in reverse topological order and accumulates
 * gradients into the leaves' {@code grad}.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {
    }

    /**
     * Disables recording on this thread until closed: {@code try (var g = Autograd.noGrad()) { ... }}.
     * Closing twice counts once: a second decrement would leave recording off on this thread for good.
     */
    public static NoGrad noGrad() {
        int[] depth = NO_GRAD_DEPTH.get();
        depth[0]++;
        boolean[] open = {true};
        return () -> {
            if (open[0]) {
                open[0] = false;
                depth[0]--;
            }
        };
    }

    /** Re-enables gradient recording when closed (the first time). */
    public interface NoGrad extends AutoCloseable {
        @Override
        void close();
    }

    public static boolean isEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /** Whether an op over {@code inputs} must be recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records {@code out = op(inputs)} with its gradient rule when {@link #needsGrad}; returns {@code out}.
     * Null inputs are allowed (optional arguments) and receive no gradient.
     */
    public static Tensor record(String op, Tensor out, GradNode.Rule rule, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.attachGradNode(new GradNode(op, inputs.clone(), rule));
        }
        return out;
    }

    /** Back-propagates {@code gradOutput} (same shape as {@code root}) through the recorded graph. */
    public static void backward(Tensor root, Tensor gradOutput) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor " + root.shape()
                    + " does not require grad (no input of the ops that made it had requiresGrad set)");
        }
        if (!root.shape().equals(gradOutput.shape())) {
            throw new ShapeMismatchException("backward", root.shape(), gradOutput.shape(), "the gradient must have the output's shape");
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradOutput);
        // Intermediate gradients die with this scope; leaves take theirs over or keep copies.
        try (NoGrad ignored = noGrad(); Scope scope = Scope.open()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                GradNode node = t.gradNode();
                if (node == null) {
                    // a gradient this pass made is the leaf's to keep; the caller's gradOutput is not
                    t.accumulateGrad(g, scope.owns(g));
                    continue;
                }
                Tensor[] inputGrads = node.apply(g);
                for (int k = 0; k < node.inputCount(); k++) {
                    Tensor in = node.input(k);
                    if (in == null || !in.requiresGrad() || inputGrads[k] == null) {
                        continue;
                    }
                    Tensor gk = inputGrads[k];
                    if (!gk.shape().equals(in.shape())) {
                        throw new ShapeMismatchException("backward of " + node.op(), in.shape(), gk.shape(),
                                "the gradient rule returned a gradient of the wrong shape for input " + k);
                    }
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gk : prev.add(gk));
                }
            }
        }
    }

    /**
     * The leaves under {@code root} that require grad, in the order {@link #backward} from {@code root}
     * accumulates their gradients: the leaf whose gradient is complete first (nearest the root) comes first.
     * Reads only the recorded graph, so it is cheap and can be asked after {@code backward}.
     */
    public static List<Tensor> leavesInBackwardOrder(Tensor root) {
        List<Tensor> order = topologicalOrder(root);
        List<Tensor> leaves = new ArrayList<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            if (order.get(i).gradNode() == null) {
                leaves.add(order.get(i));
            }
        }
        return leaves;
    }

    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            GradNode node = t.gradNode();
            if (node != null && next < node.inputCount()) {
                frame[1] = next + 1;
                Tensor in = node.input(next);
                if (in != null && in.requiresGrad() && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
