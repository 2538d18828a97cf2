package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * One checked op on one target, inside a test run by {@link ConformanceExtension}. Opening a case
 * skips the test when the backend is unavailable (or fails it when the backend is required),
 * records UNSUPPORTED and aborts when the backend does not support the op, and otherwise opens a
 * {@link Scope} that owns the test's tensors. The extension closes the scope after the test,
 * checks the live-buffer count and records the outcome with the largest errors of every
 * {@link #check}.
 */
public final class Case {
    private static final ThreadLocal<List<Case>> OPEN = new ThreadLocal<>();

    private final Target target;
    private final Op op;
    private final long liveBuffersBefore;
    private final Scope scope;
    private String unsupportedReason;
    private double maxAbs;
    private double maxRel;
    private int comparisons;

    private Case(Target target, Op op, long liveBuffersBefore, Scope scope) {
        this.target = target;
        this.op = op;
        this.liveBuffersBefore = liveBuffersBefore;
        this.scope = scope;
    }

    /**
     * Starts checking {@code op} on {@code target}; {@code alsoUses} are further ops the test needs
     * (all must be supported). The case is reported under {@code op}.
     */
    public static Case start(Target target, Op op, Op... alsoUses) {
        List<Case> open = OPEN.get();
        if (open == null) {
            throw new IllegalStateException("Case.start needs @ExtendWith(ConformanceExtension.class) on the test class");
        }
        if (!target.available()) {
            String why = "backend " + target.backendName() + " is unavailable: " + target.unavailableReason();
            ConformanceReport.record(new CaseResult(op, target.backendName(), target.dtype(), ConformanceExtension.currentTest(),
                    target.required() ? Outcome.FAIL : Outcome.SKIPPED, why, 0, 0, 0));
            if (target.required()) {
                Assertions.fail(why + " (required by -D" + SuiteBackends.REQUIRE_PROPERTY + ")");
            }
            Assumptions.abort(why);
        }
        Backend b = target.backend();
        Case c = new Case(target, op, b.memory().liveBuffers(), null);
        for (Op needed : concat(op, alsoUses)) {
            if (!b.supports(needed, target.dtype())) {
                c.unsupportedReason = b.name() + " reports supports(" + needed + ", " + target.dtype() + ") == false";
                open.add(c);
                Assumptions.abort(c.unsupportedReason);
            }
        }
        Case opened = new Case(target, op, c.liveBuffersBefore, Scope.open());
        open.add(opened);
        return opened;
    }

    private static List<Op> concat(Op op, Op[] more) {
        List<Op> all = new ArrayList<>(List.of(op));
        all.addAll(List.of(more));
        return all;
    }

    public Backend backend() {
        return target.backend();
    }

    public DType dtype() {
        return target.dtype();
    }

    public Target target() {
        return target;
    }

    public Tensors tensors() {
        return Tensors.on(target.backend());
    }

    /** A tensor of the case's dtype holding {@code values} (rounded to the dtype). */
    public Tensor tensor(double[] values, int... shape) {
        return tensors().of(dtype(), values, shape);
    }

    /** {@code values} as the case's dtype would store them, for references computed from rounded inputs. */
    public double[] rounded(double[] values) {
        if (dtype() != DType.F32) {
            return values.clone();
        }
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** Compares {@code actual}'s values (downloaded through its layout) with {@code expected}; fails the test when outside {@code tol}. */
    public Comparison check(String what, double[] expected, Tensor actual, Tolerance tol) {
        target.backend().synchronize();
        return check(what, expected, actual.toDoubleArray(), tol);
    }

    public Comparison check(String what, double[] expected, double[] actual, Tolerance tol) {
        Comparison c = Comparison.of(expected, actual, tol);
        comparisons++;
        maxAbs = Math.max(maxAbs, c.maxAbs());
        maxRel = Math.max(maxRel, c.maxRel());
        if (!c.passed()) {
            Assertions.fail(target + " " + op + " " + c.describe(what, tol, expected, actual));
        }
        return c;
    }

    /** Bit-for-bit equality of integer results (indices, masks, random bits). */
    public void checkExact(String what, long[] expected, long[] actual) {
        comparisons++;
        if (expected.length != actual.length) {
            Assertions.fail(target + " " + op + " " + what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                Assertions.fail(target + " " + op + " " + what + ": first difference at [" + i + "]: expected "
                        + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /**
     * For a backend other than cpu: runs {@code compute} on the cpu backend with the same inputs
     * (it receives that backend's {@link Tensors}) and compares its values with {@code actual}.
     * Does nothing on cpu itself or when cpu is not on the class path.
     */
    public void checkAgainstCpu(String what, Function<Tensors, Tensor> compute, Tensor actual, Tolerance tol) {
        if (target.isCpu()) {
            return;
        }
        Backend cpu = SuiteBackends.cpu();
        if (cpu == null) {
            return;
        }
        double[] reference;
        Scope cpuTensors = Scope.open();
        try {
            reference = compute.apply(Tensors.on(cpu)).toDoubleArray();
        } finally {
            cpuTensors.close();
        }
        check(what + " vs cpu", reference, actual, tol);
    }

    // ------------------------------------------------------------------ used by the extension

    static List<Case> openCases() {
        return OPEN.get();
    }

    static void beginTest() {
        OPEN.set(new ArrayList<>());
    }

    static List<Case> endTest() {
        List<Case> cases = OPEN.get();
        OPEN.remove();
        return cases == null ? List.of() : cases;
    }

    /** Closes the case's tensors and returns a message when the backend's live buffers did not return to the baseline. */
    String closeAndCheckLeaks() {
        if (scope == null) {
            return null;
        }
        scope.close();
        Backend b = target.backend();
        b.synchronize();
        long now = b.memory().liveBuffers();
        return now == liveBuffersBefore ? null
                : target + " " + op + ": " + (now - liveBuffersBefore) + " buffer(s) still live after the test (before: "
                + liveBuffersBefore + ", after: " + now + "); the op leaked device memory";
    }

    CaseResult result(String test, Throwable failure) {
        Outcome outcome;
        String reason;
        if (unsupportedReason != null) {
            outcome = Outcome.UNSUPPORTED;
            reason = unsupportedReason;
        } else if (failure != null && !(failure instanceof org.opentest4j.TestAbortedException)) {
            outcome = Outcome.FAIL;
            reason = String.valueOf(failure.getMessage()).lines().findFirst().orElse(failure.getClass().getName());
        } else if (failure != null) {
            outcome = Outcome.SKIPPED;
            reason = failure.getMessage();
        } else {
            outcome = Outcome.PASS;
            reason = comparisons + " comparison(s)";
        }
        return new CaseResult(op, target.backendName(), target.dtype(), test, outcome, reason, maxAbs, maxRel, comparisons);
    }
}
