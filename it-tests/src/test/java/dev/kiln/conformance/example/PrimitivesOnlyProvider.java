package dev.kiln.conformance.example;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.DeviceInfo;
import java.util.List;
import java.util.Map;

/**
 * Registers {@link PrimitivesOnlyBackend} through {@code META-INF/services/dev.kiln.api.spi.BackendProvider}.
 * Its priority is below the CPU backend's, so {@code auto} never picks it; it is chosen by name.
 */
public final class PrimitivesOnlyProvider implements BackendProvider {
    private static final int PRIORITY = 10;

    private volatile Availability availability;
    private volatile Backend backend;

    @Override
    public String name() {
        return PrimitivesOnlyBackend.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Available exactly when the CPU backend, which runs the primitives, is. */
    @Override
    public Availability probe() {
        Availability a = availability;
        if (a == null) {
            a = probeCpu();
            availability = a;
        }
        return a;
    }

    private static Availability probeCpu() {
        try {
            Availability cpu = Backends.provider("cpu").probe();
            return cpu.available()
                    ? Availability.yes("the CPU backend's tier-1 primitives with composed tier-2 ops")
                    : Availability.no("it runs on the CPU backend, which is unavailable: " + cpu.reason());
        } catch (RuntimeException e) {
            return Availability.no("it runs on the CPU backend, which could not be found: " + e.getMessage());
        }
    }

    @Override
    public List<DeviceInfo> devices() {
        if (!probe().available()) {
            return List.of();
        }
        return List.of(new DeviceInfo(0, "CPU (primitives only)", "CPU", Runtime.getRuntime().maxMemory(),
                Runtime.getRuntime().availableProcessors(), Map.of("tier2", "composed defaults")));
    }

    @Override
    public synchronized Backend open(int index) {
        if (index != 0) {
            throw new IllegalArgumentException(name() + ": device index " + index + " requested but it has only device 0");
        }
        if (backend == null) {
            backend = new PrimitivesOnlyBackend(Backends.select("cpu"));
        }
        return backend;
    }
}
