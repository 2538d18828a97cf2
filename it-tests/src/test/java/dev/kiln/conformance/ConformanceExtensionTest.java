package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.kiln.api.DType;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.Op;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The suite's own machinery fails what it must: a leaked buffer fails the test, an op the backend
 * does not support is recorded as UNSUPPORTED (not passed), and a bad comparison is recorded as FAIL
 * with its error. The probe classes are static nested classes, which Surefire does not run on its own.
 */
class ConformanceExtensionTest {
    private static DeviceBuffer leaked;
    private int reportSize;

    @Test
    void aLeakedBufferFailsTheTest() {
        Target cpu = cpuTarget();
        Events events = run(LeakingProbe.class);
        leaked.release();
        events.assertStatistics(s -> s.started(1).failed(1));
        String message = events.failed().stream().findFirst().orElseThrow().getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .orElseThrow().getThrowable().orElseThrow().getMessage();
        assertTrue(message.contains("still live"), message);
        assertEquals(Outcome.FAIL, lastResult(cpu).outcome());
    }

    @Test
    void anUnsupportedOpIsRecordedAsUnsupportedNotPassed() {
        Target cpu = cpuTarget();
        Assumptions.assumeFalse(cpu.backend().supports(Op.CONV2D, DType.BOOL), "cpu runs conv2d on BOOL; no unsupported pair to probe");
        Events events = run(UnsupportedProbe.class);
        events.assertStatistics(s -> s.started(1).aborted(1).succeeded(0));
        CaseResult r = lastResult(cpu);
        assertEquals(Outcome.UNSUPPORTED, r.outcome());
        assertTrue(r.reason().contains("CONV2D"), r.reason());
    }

    @Test
    void aComparisonOutsideTheToleranceIsRecordedAsAFailureWithItsError() {
        Target cpu = cpuTarget();
        Events events = run(WrongValueProbe.class);
        events.assertStatistics(s -> s.started(1).failed(1));
        CaseResult r = lastResult(cpu);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(0.5, r.maxAbs(), 1e-12);
    }

    /** Runs a probe class; its deliberate outcomes are checked through {@link #lastResult} and then removed from the report. */
    private static Events run(Class<?> probe) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(probe)).execute().testEvents();
    }

    @org.junit.jupiter.api.BeforeEach
    void rememberReportSize() {
        reportSize = ConformanceReport.results().size();
    }

    @org.junit.jupiter.api.AfterEach
    void dropProbeResults() {
        ConformanceReport.keepFirst(reportSize);
    }

    private static Target cpuTarget() {
        Target t = SuiteBackends.all().stream().filter(Target::isCpu).filter(Target::available).findFirst().orElse(null);
        Assumptions.assumeTrue(t != null, "the cpu backend is not under test");
        return t;
    }

    private static CaseResult lastResult(Target t) {
        List<CaseResult> all = ConformanceReport.results();
        CaseResult last = all.get(all.size() - 1);
        assertEquals(t.backendName(), last.backend());
        return last;
    }

    @ExtendWith(ConformanceExtension.class)
    static class LeakingProbe {
        @Test
        void leaks() {
            Case c = Case.start(cpuTarget(), Op.FILL);
            leaked = c.backend().allocate(DType.F32, 3);
        }
    }

    @ExtendWith(ConformanceExtension.class)
    static class UnsupportedProbe {
        @Test
        void asksForConvOnBool() {
            Case.start(cpuTarget().withDtype(DType.BOOL), Op.CONV2D);
        }
    }

    @ExtendWith(ConformanceExtension.class)
    static class WrongValueProbe {
        @Test
        void comparesWrongValues() {
            Case c = Case.start(cpuTarget(), Op.FILL);
            var t = c.tensors().full(DType.F32, 1.5, 2);
            c.check("deliberately wrong expectation", new double[] {1.0, 1.5}, t, Tolerance.elementwise(DType.F32));
        }
    }
}
