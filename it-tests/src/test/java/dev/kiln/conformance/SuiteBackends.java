package dev.kiln.conformance;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The backends under test: device 0 of every provider on the class path, restricted by {@code
 * -Dkiln.conformance.backends=a,b}. A backend named in {@code -Dkiln.require=a,b} that cannot be
 * opened stays in the list as unavailable and its tests fail; an unavailable backend that is not
 * required makes its tests skip.
 */
public final class SuiteBackends {
    /** Backend names a test may be restricted to; empty means all. */
    public static final String BACKENDS_PROPERTY = "kiln.conformance.backends";
    /** Backend names that must be available. */
    public static final String REQUIRE_PROPERTY = "kiln.require";

    private static volatile List<Target> slots;

    private SuiteBackends() {
    }

    /** One F32 target per backend under test, in provider priority order (cpu, the reference, included). */
    public static List<Target> all() {
        List<Target> s = slots;
        if (s == null) {
            synchronized (SuiteBackends.class) {
                if (slots == null) {
                    slots = discover();
                }
                s = slots;
            }
        }
        return s;
    }

    /** The CPU backend, the reference every other backend is compared with; null when it is not on the class path. */
    public static Backend cpu() {
        for (BackendProvider p : Backends.providers()) {
            if (p.name().equals("cpu") && p.probe().available() && !p.devices().isEmpty()) {
                return p.open(0);
            }
        }
        return null;
    }

    public static Set<String> required() {
        return names(System.getProperty(REQUIRE_PROPERTY));
    }

    private static List<Target> discover() {
        Set<String> wanted = names(System.getProperty(BACKENDS_PROPERTY));
        Set<String> required = required();
        List<Target> found = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (BackendProvider p : Backends.providers()) {
            if (!wanted.isEmpty() && !wanted.contains(p.name())) {
                continue;
            }
            seen.add(p.name());
            found.add(open(p, required.contains(p.name())));
        }
        Set<String> missing = new LinkedHashSet<>(wanted);
        missing.addAll(required);
        missing.removeAll(seen);
        for (String name : missing) {
            if (wanted.isEmpty() || wanted.contains(name)) {
                found.add(new Target(name, null, dev.kiln.api.DType.F32,
                        "no provider named '" + name + "' on the test class path (found: " + providerNames() + ")",
                        required.contains(name)));
            }
        }
        return List.copyOf(found);
    }

    private static Target open(BackendProvider p, boolean required) {
        Availability a = p.probe();
        if (!a.available()) {
            return new Target(p.name(), null, dev.kiln.api.DType.F32, a.reason(), required);
        }
        if (p.devices().isEmpty()) {
            return new Target(p.name(), null, dev.kiln.api.DType.F32, "the provider lists no device", required);
        }
        try {
            return new Target(p.name(), p.open(0), dev.kiln.api.DType.F32, null, required);
        } catch (RuntimeException e) {
            return new Target(p.name(), null, dev.kiln.api.DType.F32, "opening device 0 failed: " + e, required);
        }
    }

    private static List<String> providerNames() {
        return Backends.providers().stream().map(BackendProvider::name).toList();
    }

    private static Set<String> names(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            Arrays.stream(list.split(","))
                    .map(s -> s.trim().toLowerCase(Locale.ROOT))
                    .filter(s -> !s.isEmpty())
                    .forEach(out::add);
        }
        return out;
    }
}
