package dev.kiln.conformance.reliability;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.OutOfDeviceMemoryException;
import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;

/**
 * The child JVM of {@link OutOfMemoryTest}, run with {@code -Dkiln.cpu.memoryLimit=8388608} (8 MiB).
 * Sizes are whole allocator buckets so the byte counts are exact. Prints one line per event.
 */
public final class MemoryLimitedRun {
    static final int MIB = 1 << 20;

    private MemoryLimitedRun() {
    }

    public static void main(String[] args) {
        Backend cpu = Backends.select("cpu");
        Tensors on = Tensors.on(cpu);
        System.out.println("DEVICE " + cpu.device());
        Tensor kept = on.zeros(DType.F32, 3 * MIB / 4);
        on.zeros(DType.F32, 2 * MIB / 4).close();
        print("CACHED", cpu.memory());
        // 3 live + 2 cached + 4 new > 8: only fits once the cache is flushed.
        Tensor big = on.zeros(DType.F32, 4 * MIB / 4);
        print("AFTER_FLUSH", cpu.memory());
        big.close();
        try {
            on.zeros(DType.F32, 6 * MIB / 4);
            System.out.println("NO_ERROR");
        } catch (OutOfDeviceMemoryException e) {
            System.out.println("OOM " + e.getMessage());
        }
        print("AFTER_OOM", cpu.memory());
        int batch = 4096;
        while (true) {
            try (Scope ignored = Scope.open()) {
                double total = rowSums(on, batch);
                System.out.println("BATCH " + batch + " " + total);
                break;
            } catch (OutOfDeviceMemoryException e) {
                System.out.println("SMALLER " + batch);
                batch /= 2;
            }
        }
        kept.close();
        print("END", cpu.memory());
    }

    /** A forward pass over {@code batch} rows of 1024 ones: (x @ w).sum() with w [1024, 4] all 0.5. */
    private static double rowSums(Tensors on, int batch) {
        Tensor x = on.ones(DType.F32, batch, 1024);
        Tensor w = on.full(DType.F32, 0.5, 1024, 4);
        return x.matmul(w).sum().item();
    }

    private static void print(String what, MemoryStats m) {
        System.out.println(what + " live=" + m.liveBytes() + " cached=" + m.cachedBytes() + " peak=" + m.peakBytes());
    }
}
