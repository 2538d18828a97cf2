package dev.kiln.cpu;

import dev.kiln.api.errors.KilnException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.DeviceInfo;
import java.util.List;
import java.util.Map;

/**
 * The CPU backend's entry point: always available, one device, one backend per JVM.
 * {@code -Dkiln.cpu.memoryLimit=<bytes>} caps what its caching allocator may hold (default: no cap);
 * {@code -Dkiln.cpu.threads=<n>} sizes its worker pool.
 */
public final class CpuBackendProvider implements BackendProvider {
    private static volatile CpuBackend backend;

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        try {
            return Availability.yes(describe());
        } catch (LinkageError e) {
            return Availability.no("the CPU backend needs the jdk.incubator.vector module, which this JVM did not load ("
                    + e + "); run java with --add-modules jdk.incubator.vector");
        }
    }

    @Override
    public List<DeviceInfo> devices() {
        if (!probe().available()) {
            return List.of();
        }
        return List.of(new DeviceInfo(0, "cpu", "CPU", Runtime.getRuntime().maxMemory(), CpuThreads.parallelism(),
                Map.of("java.version", System.getProperty("java.version"),
                        "os.arch", System.getProperty("os.arch"),
                        "vector.bits", Integer.toString(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize()))));
    }

    @Override
    public Backend open(int index) {
        if (index != 0) {
            throw new KilnException("cpu backend: there is one CPU device (index 0), not index " + index);
        }
        CpuBackend b = backend;
        if (b == null) {
            synchronized (CpuBackendProvider.class) {
                b = backend;
                if (b == null) {
                    b = new CpuBackend(memoryLimit());
                    backend = b;
                }
            }
        }
        return b;
    }

    private static String describe() {
        return "CPU, " + CpuThreads.parallelism() + " threads, pure Java, "
                + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors";
    }

    private static long memoryLimit() {
        String property = System.getProperty("kiln.cpu.memoryLimit");
        if (property == null || property.isBlank()) {
            return Long.MAX_VALUE;
        }
        try {
            long limit = Long.parseLong(property.trim());
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new KilnException("-Dkiln.cpu.memoryLimit=" + property + " is not a positive number of bytes; use e.g. "
                + "-Dkiln.cpu.memoryLimit=2000000000");
    }
}
