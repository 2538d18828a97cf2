package dev.kiln.nn.testing;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Backend;

/** The CPU backend, named explicitly so that golden tests never depend on which backend {@code auto} picks. */
public final class CpuBackend {
    private CpuBackend() {
    }

    public static Backend get() {
        return Backends.select("cpu");
    }
}
