package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every backend named in {@code -Dkiln.require} is on the class path and opens (CI sets it so a missing OpenCL fails). */
class RequiredBackendsTest {
    @Test
    void requiredBackendsAreAvailable() {
        List<String> problems = new ArrayList<>();
        for (String name : SuiteBackends.required()) {
            Target t = SuiteBackends.all().stream().filter(s -> s.backendName().equals(name)).findFirst().orElse(null);
            if (t == null) {
                problems.add(name + ": excluded by -D" + SuiteBackends.BACKENDS_PROPERTY);
            } else if (!t.available()) {
                problems.add(name + ": " + t.unavailableReason());
            }
        }
        assertTrue(problems.isEmpty(), () -> "required backends (-D" + SuiteBackends.REQUIRE_PROPERTY + ") are unavailable: " + problems);
    }

    @Test
    void atLeastOneBackendIsUnderTest() {
        assertTrue(SuiteBackends.all().stream().anyMatch(Target::available),
                () -> "no backend under test is available: " + SuiteBackends.all().stream()
                        .map(t -> t.backendName() + " (" + t.unavailableReason() + ")").toList());
    }
}
