package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.OutOfDeviceMemoryException;
import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.DeviceInfo;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.conformance.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real OpenCL device refusing an allocation (one larger than its largest single allocation, so
 * nothing is really allocated): the allocator flushes its cache, retries, then throws with the
 * requested, live, cached and peak bytes, and the same program goes on with a smaller batch.
 * {@link OutOfMemoryTest} does the same on the CPU backend under a memory limit.
 */
@ExtendWith(ReliabilityExtension.class)
class OpenClOutOfMemoryTest {
    private static final long MIB = 1 << 20;

    @Test
    void aRequestTheDeviceCannotHoldFlushesRetriesReportsTheBytesAndASmallerBatchGoesOn() {
        Target target = SuiteBackends.all().stream().filter(t -> t.backendName().equals("opencl")).findFirst().orElseThrow();
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Backend backend = target.backend();
        DeviceInfo info = Backends.provider("opencl").devices().get(backend.device().index());
        long maxAllocation = Long.parseLong(info.details().get("maxAllocationBytes"));
        int tooMany = smallestBucketAbove(maxAllocation / Float.BYTES);
        assumeTrue(tooMany > 0, () -> info.name() + " can allocate " + maxAllocation + " bytes at once, every F32 tensor fits");
        Tensors on = Tensors.on(backend);
        backend.synchronize();
        MemoryStats before = backend.memory();
        try (Tensor kept = on.zeros(DType.F32, (int) (MIB / Float.BYTES))) {
            on.zeros(DType.F32, (int) (MIB / 4 / Float.BYTES)).close();
            long peak = Math.max(before.peakBytes(), before.liveBytes() + MIB + MIB / 4);
            OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class, () -> on.zeros(DType.F32, tooMany));
            long requested = (long) tooMany * Float.BYTES;
            assertEquals("out of memory on " + backend.device() + ": requested " + requested + " bytes; live "
                    + (before.liveBytes() + MIB) + ", cached 0 (flushed before retrying), peak " + peak + " bytes. Free tensors "
                    + "you no longer need (close their Scope) or use a smaller batch.", e.getMessage());
            assertEquals(requested + " bytes exceed the largest single allocation of " + info.name() + " (" + maxAllocation
                    + " bytes)", e.getCause().getMessage(), "the retry's own failure is the cause");
            MemoryStats after = backend.memory();
            assertEquals(0, after.cachedBytes(), "the cache was flushed before the retry");
            assertEquals(before.liveBytes() + MIB, after.liveBytes(), "the failed request left nothing live");
            // the same forward pass with a batch that fits: 64 rows of 1024 ones times 0.5, 4 columns
            try (Tensor x = on.ones(DType.F32, 64, 1024); Tensor w = on.full(DType.F32, 0.5, 1024, 4);
                 Tensor y = x.matmul(w); Tensor sum = y.sum()) {
                assertEquals(64 * 4 * 512.0, sum.item());
            }
            try (Tensor keptSum = kept.sum()) {
                assertEquals(0.0, keptSum.item(), "a tensor made before the failure is intact");
            }
        }
        ReliabilityLedger.FAULTS_INJECTED.incrementAndGet();
    }

    /**
     * The smallest allocator bucket (a power of two, or 1.25, 1.5 or 1.75 of one: a whole bucket,
     * so the requested bytes are exact) of more than {@code elements} F32 elements that a tensor can
     * have; 0 when there is none.
     */
    private static int smallestBucketAbove(long elements) {
        for (int shift = 12; shift <= 30; shift++) {
            for (int quarters = 4; quarters < 8; quarters++) {
                long n = ((long) quarters << shift) / 4;
                if (n > elements && n <= Integer.MAX_VALUE - 8) {
                    return (int) n;
                }
            }
        }
        return 0;
    }
}
