package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.spi.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A complete backend supports every tier-1 and tier-2 op for F32. Required for cpu (the reference)
 * and for any backend when {@code -Dkiln.conformance.requireComplete=true}; set it to false to let
 * a backend in progress report its gaps as UNSUPPORTED instead.
 */
class SupportCompletenessTest {
    static final String PROPERTY = "kiln.conformance.requireComplete";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void everyOpIsSupportedForF32(Target target) {
        Assumptions.assumeTrue(target.available() || target.required(), () -> target.backendName() + " unavailable: " + target.unavailableReason());
        assertTrue(target.available(), () -> target.backendName() + " is required but unavailable: " + target.unavailableReason());
        String setting = System.getProperty(PROPERTY);
        boolean required = setting == null || setting.isBlank() ? target.isCpu() : Boolean.parseBoolean(setting);
        Assumptions.assumeTrue(required, () -> target.backendName() + ": completeness not required (-D" + PROPERTY + "=" + setting + ")");
        List<Op> missing = new ArrayList<>();
        for (Op op : Op.values()) {
            if (!target.backend().supports(op, Targets.primaryDtype(op))) {
                missing.add(op);
            }
        }
        assertTrue(missing.isEmpty(), () -> target.backendName() + " does not support these ops (for F32; RANDOM_BITS for I32): " + missing
                + "; every tier-1 and tier-2 op must be supported (or run with -D" + PROPERTY + "=false)");
    }
}
