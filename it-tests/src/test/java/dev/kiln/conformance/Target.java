package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.spi.Backend;

/**
 * One (backend, dtype) pair a parameterised test runs on. {@code backend} is null when the backend
 * named {@code backendName} could not be opened; {@code unavailableReason} then says why.
 */
public record Target(String backendName, Backend backend, DType dtype, String unavailableReason, boolean required) {
    public boolean available() {
        return backend != null;
    }

    public boolean isCpu() {
        return "cpu".equals(backendName);
    }

    public Target withDtype(DType other) {
        return new Target(backendName, backend, other, unavailableReason, required);
    }

    @Override
    public String toString() {
        return backendName + "/" + dtype.id();
    }
}
