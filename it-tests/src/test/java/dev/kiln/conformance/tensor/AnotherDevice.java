package dev.kiln.conformance.tensor;

import dev.kiln.api.Device;
import dev.kiln.api.spi.Backend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** A backend seen as another device: {@code device()} and {@code name()} differ, every op runs on the real one. */
final class AnotherDevice {
    static final Device DEVICE = new Device("elsewhere", 7);

    private AnotherDevice() {
    }

    static Backend of(Backend real) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "device":
                    return DEVICE;
                case "name":
                    return "elsewhere";
                default:
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        });
    }
}
