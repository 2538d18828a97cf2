package dev.kiln.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Device;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.OutOfDeviceMemoryException;
import dev.kiln.api.memory.MemoryStats;
import org.junit.jupiter.api.Test;

class CachingAllocatorTest {
    /** A device that counts allocations and frees and holds at most {@code capacityBytes}. */
    private static final class FakeDevice implements CachingAllocator.DeviceMemory {
        final long capacityBytes;
        long usedBytes;
        int frees;

        FakeDevice(long capacityBytes) {
            this.capacityBytes = capacityBytes;
        }

        @Override
        public DeviceBuffer allocate(DType dtype, int capacity) {
            long bytes = (long) capacity * dtype.byteSize();
            if (usedBytes + bytes > capacityBytes) {
                throw new OutOfMemoryError("fake device full");
            }
            usedBytes += bytes;
            return new DeviceBuffer(dtype, capacity) { };
        }

        @Override
        public void free(DeviceBuffer buffer) {
            usedBytes -= buffer.bytes();
            frees++;
        }
    }

    private final Device device = new Device("fake", 0);

    @Test
    void releasedBuffersAreReusedFromTheCache() {
        FakeDevice dev = new FakeDevice(1 << 20);
        CachingAllocator a = new CachingAllocator(device, dev, Long.MAX_VALUE);
        DeviceBuffer b1 = a.allocate(DType.F32, 1000);
        b1.release();
        DeviceBuffer b2 = a.allocate(DType.F32, 990);
        assertSame(b1, b2, "same bucket -> the cached buffer comes back");
        MemoryStats s = a.stats();
        assertEquals(1, s.deviceAllocations());
        assertEquals(1, s.liveBuffers());
        assertEquals(0, s.cachedBytes());
        b2.release();
        assertEquals(0, a.stats().liveBuffers());
        assertEquals(b2.bytes(), a.stats().cachedBytes());
    }

    @Test
    void bucketsWasteAtMostAQuarter() {
        for (int n : new int[] {0, 1, 63, 64, 65, 1024, 1025, 3000, 4097, 1 << 20, (1 << 20) + 1, 123_456_789,
                Integer.MAX_VALUE - 8, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
            int r = CachingAllocator.roundUp(n);
            assertTrue(r >= n, n + " -> " + r);
            assertTrue(n <= 1024 || r <= n * 1.25 + 1, n + " -> " + r);
        }
    }

    @Test
    void outOfMemoryFlushesTheCacheAndRetriesOnce() {
        FakeDevice dev = new FakeDevice(8192);
        CachingAllocator a = new CachingAllocator(device, dev, Long.MAX_VALUE);
        a.allocate(DType.F32, 1024).release();
        assertEquals(4096, a.stats().cachedBytes());
        DeviceBuffer big = a.allocate(DType.F32, 1536);
        assertEquals(1, dev.frees, "the cached buffer was returned to make room");
        assertEquals(0, a.stats().cachedBytes());
        OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class, () -> a.allocate(DType.F64, 1024));
        assertEquals("out of memory on fake:0: requested 8192 bytes; live 6144, cached 0 (flushed before retrying), peak 6144 bytes."
                + " Free tensors you no longer need (close their Scope) or use a smaller batch.", e.getMessage());
        big.release();
        a.allocate(DType.F64, 512).release();
    }

    @Test
    void aMemoryLimitActsLikeAFullDevice() {
        CachingAllocator a = new CachingAllocator(device, new FakeDevice(Long.MAX_VALUE), 4096);
        DeviceBuffer b = a.allocate(DType.F32, 1024);
        assertThrows(OutOfDeviceMemoryException.class, () -> a.allocate(DType.F32, 64));
        b.release();
        a.allocate(DType.F32, 64).release();
    }

    @Test
    void doubleReleaseAndUseAfterReleaseAreErrors() {
        CachingAllocator a = new CachingAllocator(device, new FakeDevice(1 << 20), Long.MAX_VALUE);
        DeviceBuffer b = a.allocate(DType.I32, 10);
        b.release();
        assertThrows(KilnException.class, b::retain);
        assertThrows(KilnException.class, b::release);
    }
}
