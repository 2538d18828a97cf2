package dev.kiln.api.spi;

import java.util.List;

/**
 * Entry point of a backend module, found by {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.kiln.api.spi.BackendProvider}). Providers must be cheap to
 * construct: no native library is touched before {@link #probe()}.
 */
public interface BackendProvider {
    /** {@code cpu}, {@code opencl}, {@code cuda}, ... */
    String name();

    /** Higher wins when {@code auto} picks a backend (e.g. cuda 300, opencl 200, cpu 100). */
    int priority();

    /** Whether this backend can run here and, if not, why. Cached after the first call; never throws. */
    Availability probe();

    /** The devices this backend can open (empty when unavailable). */
    List<DeviceInfo> devices();

    /** Opens (or returns the already opened) backend for device {@code index}. */
    Backend open(int index);
}
