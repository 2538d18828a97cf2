package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.Scope;
import dev.kiln.api.spi.Backend;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.conformance.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random programs ({@link RandomProgram}) on every backend, each step compared with the CPU
 * backend running the same program on contiguous copies of every view. Rounding errors of F32
 * chains scale with the magnitudes involved, so an element passes when {@code |a - e| <= 1e-4 *
 * (1 + max|e|)}; NaN and infinities must match exactly. {@code -Dkiln.reliability.fuzzPrograms}
 * sets the number of programs per backend.
 */
@ExtendWith(ReliabilityExtension.class)
class RandomProgramFuzzTest {
    private static final int PROGRAMS = Integer.getInteger("kiln.reliability.fuzzPrograms", 1000);
    private static final long FIRST_SEED = 0x5eedL;
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void randomProgramsAgreeWithTheContiguousCpuReference(Target target) {
        Assumptions.assumeTrue(target.available() || target.required(), () -> target + ": " + target.unavailableReason());
        if (!target.available()) {
            fail(target.backendName() + " is required but unavailable: " + target.unavailableReason());
        }
        Backend cpu = SuiteBackends.cpu();
        for (int i = 0; i < PROGRAMS; i++) {
            long seed = FIRST_SEED + i;
            RandomProgram.Trace expected;
            RandomProgram.Trace actual;
            try (Scope ignored = Scope.open()) {
                expected = RandomProgram.run(seed, cpu, true);
            }
            try (Scope ignored = Scope.open()) {
                actual = RandomProgram.run(seed, target.backend(), false);
            } catch (RuntimeException e) {
                throw new AssertionError(target.backendName() + ": program " + seed + " threw at step "
                        + (expected.steps().size()) + " of " + String.join("; ", expected.steps()), e);
            }
            compare(target.backendName(), seed, expected, actual);
            ReliabilityLedger.PROGRAMS_FUZZED.incrementAndGet();
        }
    }

    private static void compare(String backend, long seed, RandomProgram.Trace expected, RandomProgram.Trace actual) {
        for (int s = 0; s < expected.outputs().size(); s++) {
            double[] e = expected.outputs().get(s);
            double[] a = actual.outputs().get(s);
            double scale = 1;
            for (double v : e) {
                if (Double.isFinite(v)) {
                    scale = Math.max(scale, 1 + Math.abs(v));
                }
            }
            for (int i = 0; i < e.length; i++) {
                boolean ok = Double.isNaN(e[i]) || Double.isNaN(a[i]) || Double.isInfinite(e[i]) || Double.isInfinite(a[i])
                        ? Double.compare(e[i], a[i]) == 0
                        : Math.abs(a[i] - e[i]) <= TOLERANCE * scale;
                if (!ok) {
                    fail(backend + ": program " + seed + ", step " + s + " (" + expected.steps().get(s) + "), element " + i
                            + ": expected " + e[i] + " but got " + a[i] + "\nprogram: " + String.join("; ", expected.steps()));
                }
            }
        }
    }
}
