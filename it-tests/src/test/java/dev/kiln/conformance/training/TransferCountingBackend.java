package dev.kiln.conformance.training;

import dev.kiln.api.spi.Backend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend that forwards every call to a real one and counts the calls that bring device data
 * to the host ({@code download}) or make the host wait for the device ({@code synchronize}).
 * Tensors made on it stay on the real device; only the count is new.
 */
final class TransferCountingBackend {
    final Backend backend;
    final AtomicLong downloads = new AtomicLong();
    final AtomicLong synchronizations = new AtomicLong();

    TransferCountingBackend(Backend real) {
        this.backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "download" -> downloads.incrementAndGet();
                        case "synchronize" -> synchronizations.incrementAndGet();
                        default -> { }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
