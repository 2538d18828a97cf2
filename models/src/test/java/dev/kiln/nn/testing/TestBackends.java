package dev.kiln.nn.testing;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The backends model tests run on: cpu always, and every other provider on the class path that
 * is available here or named in {@code -Dkiln.require} (then a failure to open it fails the test).
 */
public final class TestBackends {
    private TestBackends() {
    }

    public static List<String> names() {
        List<String> required = Arrays.stream(System.getProperty("kiln.require", "").split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        List<String> out = new ArrayList<>();
        for (BackendProvider p : Backends.providers()) {
            Availability a = p.probe();
            if (p.name().equals("cpu") || required.contains(p.name()) || a.available() && !p.devices().isEmpty()) {
                out.add(p.name());
            } else {
                System.out.println("[kiln] models tests skip backend " + p.name() + ": " + a.reason());
            }
        }
        return out;
    }

    public static Backend open(String name) {
        return Backends.select(name);
    }
}
