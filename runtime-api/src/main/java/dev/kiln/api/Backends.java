package dev.kiln.api;

import dev.kiln.api.errors.BackendUnavailableException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds backends and picks one. The default comes from {@code -Dkiln.backend}, else the
 * {@code KILN_BACKEND} environment variable, else {@code auto}: the available backend with the
 * highest priority. A backend asked for by name either opens or throws with the probe's reason;
 * Kiln never falls back silently.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("dev.kiln.backends");
    private static final ThreadLocal<Backend> OVERRIDE = new ThreadLocal<>();
    private static volatile List<BackendProvider> providers;
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** Every provider on the class path, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> p = providers;
        if (p == null) {
            List<BackendProvider> found = new ArrayList<>();
            ServiceLoader.load(BackendProvider.class).forEach(found::add);
            found.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
            providers = p = List.copyOf(found);
        }
        return p;
    }

    /** The configured spec: {@code kiln.backend}, else {@code KILN_BACKEND}, else {@code auto}. */
    public static String configuredSpec() {
        String spec = System.getProperty("kiln.backend");
        if (spec == null || spec.isBlank()) {
            spec = System.getenv("KILN_BACKEND");
        }
        return spec == null || spec.isBlank() ? "auto" : spec.trim();
    }

    /** The backend tensors are created on when none is named: a {@link #use} override, else the configured default. */
    public static Backend current() {
        Backend b = OVERRIDE.get();
        if (b != null) {
            return b;
        }
        b = defaultBackend;
        if (b == null) {
            synchronized (Backends.class) {
                if (defaultBackend == null) {
                    defaultBackend = select(configuredSpec());
                }
                b = defaultBackend;
            }
        }
        return b;
    }

    /** Makes {@code backend} this thread's default until the returned handle is closed. */
    public static Use use(Backend backend) {
        Backend previous = OVERRIDE.get();
        OVERRIDE.set(backend);
        return () -> OVERRIDE.set(previous);
    }

    /** Restores the previous default backend of this thread. */
    public interface Use extends AutoCloseable {
        @Override
        void close();
    }

    /** Opens the backend named by {@code spec}: {@code auto}, {@code NAME} or {@code NAME:INDEX}. */
    public static Backend select(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return auto();
        }
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        int index = 0;
        if (colon >= 0) {
            try {
                index = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("backend spec '" + spec + "': the device index after ':' must be a number");
            }
        }
        BackendProvider provider = provider(name);
        Availability a = provider.probe();
        if (!a.available()) {
            throw new BackendUnavailableException(name, a.reason());
        }
        int count = provider.devices().size();
        if (index < 0 || index >= count) {
            throw new BackendUnavailableException(name, "device index " + index + " requested but " + count
                    + " device(s) found; run 'kiln devices' to list them");
        }
        return provider.open(index);
    }

    /** The provider called {@code name}, or an error listing the ones that exist. */
    public static BackendProvider provider(String name) {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers()) {
            if (p.name().equals(name)) {
                return p;
            }
            names.add(p.name());
        }
        throw new BackendUnavailableException(name, "no such backend on the class path (found: " + names
                + "); add the kiln backend-" + name + " module to the class path");
    }

    private static Backend auto() {
        StringBuilder skipped = new StringBuilder();
        for (BackendProvider p : providers()) {
            Availability a = p.probe();
            if (a.available() && !p.devices().isEmpty()) {
                Backend b = p.open(0);
                LOG.log(Level.INFO, "kiln: backend auto -> " + b.name() + " (" + b.description() + ")" + skipped);
                return b;
            }
            skipped.append("; skipped ").append(p.name()).append(": ").append(a.reason());
        }
        throw new BackendUnavailableException("auto", "no backend is available" + skipped);
    }
}
