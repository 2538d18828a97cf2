package dev.kiln.conformance.reliability;

import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.conformance.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs around every reliability test: fails the test when any backend holds more live device bytes
 * afterwards than before (adding them to the leaked total), and prints the suite's one-line
 * summary ({@link ReliabilityLedger}) when the whole test run ends.
 */
public final class ReliabilityExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ReliabilityExtension.class);

    /** Closed by JUnit when the root context ends, i.e. after the last test of the run. */
    private static final class SummaryPrinter implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            System.out.println(ReliabilityLedger.summary());
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SummaryPrinter.class, k -> new SummaryPrinter(),
                SummaryPrinter.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("baseline", liveBytes());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Map<String, Long> before = context.getStore(NAMESPACE).get("baseline", Map.class);
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, Long> now : liveBytes().entrySet()) {
            long leaked = now.getValue() - before.getOrDefault(now.getKey(), 0L);
            if (leaked > 0) {
                ReliabilityLedger.BYTES_LEAKED.addAndGet(leaked);
                leaks.add(now.getKey() + ": " + leaked + " device bytes still live after the test");
            }
        }
        if (!leaks.isEmpty() && context.getExecutionException().isEmpty()) {
            throw new AssertionError(String.join("\n", leaks));
        }
    }

    private static Map<String, Long> liveBytes() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Target t : SuiteBackends.all()) {
            if (t.available()) {
                Backend b = t.backend();
                b.synchronize();
                MemoryStats m = b.memory();
                out.put(t.backendName(), m.liveBytes());
            }
        }
        return out;
    }
}
