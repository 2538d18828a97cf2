package dev.kiln.conformance;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs around every conformance test: opens the per-test list of {@link Case}s, and afterwards
 * closes each case's tensors, fails the test when a backend's live-buffer count did not return to
 * its baseline, and records each case's outcome for {@link ConformanceReport}, which is written
 * once when the whole run ends.
 */
public final class ConformanceExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ConformanceExtension.class);
    private static final ThreadLocal<String> CURRENT_TEST = new ThreadLocal<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(ConformanceReport.Writer.class,
                k -> new ConformanceReport.Writer(), ConformanceReport.Writer.class);
        CURRENT_TEST.set(testName(context));
        Case.beginTest();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Throwable failure = context.getExecutionException().orElse(null);
        List<String> leaks = new ArrayList<>();
        List<Case> cases = Case.openCases() == null ? List.of() : List.copyOf(Case.openCases());
        for (int i = cases.size() - 1; i >= 0; i--) {
            Case c = cases.get(i);
            String leak;
            try {
                leak = c.closeAndCheckLeaks();
            } catch (RuntimeException e) {
                leak = c.target() + ": closing the case's tensors failed: " + e;
            }
            if (leak != null) {
                leaks.add(leak);
            }
            Throwable caseFailure = failure != null ? failure : leak == null ? null : new AssertionError(leak);
            ConformanceReport.record(c.result(CURRENT_TEST.get(), caseFailure));
        }
        Case.endTest();
        CURRENT_TEST.remove();
        if (!leaks.isEmpty() && failure == null) {
            throw new AssertionError(String.join("\n", leaks));
        }
    }

    static String currentTest() {
        String t = CURRENT_TEST.get();
        return t == null ? "?" : t;
    }

    private static String testName(ExtensionContext context) {
        String cls = context.getRequiredTestClass().getSimpleName();
        String method = context.getRequiredTestMethod().getName();
        return cls + "." + method + " " + context.getDisplayName();
    }
}
