package dev.kiln.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.NonFiniteException;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.testing.CpuBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NonFiniteCheck.parameters passes finite weights and names the first parameter holding NaN or infinity. */
class NonFiniteParametersTest {
    @Test
    void finiteWeightsPassAndTheFirstNonFiniteParameterIsNamed() {
        try (Backends.Use u = Backends.use(CpuBackend.get()); Scope ignored = Scope.open();
             Sequential model = new Sequential(new Linear(2, 2, new Generator(3)), new Linear(2, 1, new Generator(4)))) {
            NonFiniteCheck.parameters(model, "global step 7");

            Tensors on = Tensors.on(CpuBackend.get());
            Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
            state.put("1.weight", on.of(new float[] {0.5f, Float.POSITIVE_INFINITY}, 1, 2));
            state.put("1.bias", on.of(new float[] {Float.NaN}, 1));
            model.loadStateDict(state);
            NonFiniteException e = assertThrows(NonFiniteException.class, () -> NonFiniteCheck.parameters(model, "global step 7"));
            assertEquals("non-finite weight at global step 7: parameter 1.weight holds NaN or infinity (2 of 4 parameters non-finite)."
                    + " Lower the learning rate or clip gradients.", e.getMessage());
        }
    }
}
