package dev.kiln.conformance;

import dev.kiln.api.DType;
import java.util.stream.Stream;

/**
 * Argument sources for parameterised tests, e.g.
 * {@code @MethodSource("dev.kiln.conformance.Targets#floating")}. F64 targets are always listed:
 * a backend without F64 reports those cases as UNSUPPORTED, never as passed.
 */
public final class Targets {
    private Targets() {
    }

    /** Every backend under test with F32. */
    public static Stream<Target> f32() {
        return SuiteBackends.all().stream();
    }

    /** Every backend under test with F32 and F64. */
    public static Stream<Target> floating() {
        return SuiteBackends.all().stream().flatMap(t -> Stream.of(t, t.withDtype(DType.F64)));
    }

    /** The dtype an op is first asked about: F32, except randomBits, which only writes I32. */
    public static DType primaryDtype(dev.kiln.api.spi.Op op) {
        return op == dev.kiln.api.spi.Op.RANDOM_BITS ? DType.I32 : DType.F32;
    }

    /** Every backend under test, once (for ops whose dtype is fixed, such as randomBits). */
    public static Stream<Target> backends() {
        return f32();
    }
}
