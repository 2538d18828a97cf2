package dev.kiln.api.spi;

import dev.kiln.api.DType;
import dev.kiln.api.Device;
import dev.kiln.api.errors.OutOfDeviceMemoryException;
import dev.kiln.api.memory.MemoryStats;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A per-device cache of freed buffers, bucketed by dtype and rounded size, so training steps reuse
 * memory instead of asking the device each time. On out-of-memory it flushes the cache, retries
 * once, then throws with the byte counts.
 */
public final class CachingAllocator {
    /** The backend's real allocation; throws {@link OutOfMemoryError} when the device is full. */
    public interface DeviceMemory {
        DeviceBuffer allocate(DType dtype, int capacity);

        void free(DeviceBuffer buffer);
    }

    private record Bucket(DType dtype, int capacity) {
    }

    private final Device device;
    private final DeviceMemory memory;
    private final long limitBytes;
    private final Map<Bucket, ArrayDeque<DeviceBuffer>> cache = new HashMap<>();
    private long liveBytes;
    private long liveBuffers;
    private long cachedBytes;
    private long peakBytes;
    private long deviceAllocations;

    /** @param limitBytes the most live + cached bytes this device may hold ({@code Long.MAX_VALUE} for no limit) */
    public CachingAllocator(Device device, DeviceMemory memory, long limitBytes) {
        this.device = device;
        this.memory = memory;
        this.limitBytes = limitBytes;
    }

    public synchronized DeviceBuffer allocate(DType dtype, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length + " on " + device);
        }
        Bucket bucket = new Bucket(dtype, roundUp(length));
        ArrayDeque<DeviceBuffer> free = cache.get(bucket);
        DeviceBuffer buffer = free == null ? null : free.pollLast();
        if (buffer != null) {
            cachedBytes -= buffer.bytes();
        } else {
            buffer = allocateFromDevice(bucket);
        }
        liveBytes += buffer.bytes();
        liveBuffers++;
        peakBytes = Math.max(peakBytes, liveBytes);
        buffer.handOut(this);
        return buffer;
    }

    private DeviceBuffer allocateFromDevice(Bucket bucket) {
        long bytes = (long) bucket.capacity * bucket.dtype.byteSize();
        try {
            return tryAllocate(bucket, bytes);
        } catch (OutOfMemoryError first) {
            flush();
            try {
                return tryAllocate(bucket, bytes);
            } catch (OutOfMemoryError second) {
                throw new OutOfDeviceMemoryException(device, bytes, liveBytes, cachedBytes, peakBytes, second);
            }
        }
    }

    private DeviceBuffer tryAllocate(Bucket bucket, long bytes) {
        if (liveBytes + cachedBytes + bytes > limitBytes) {
            throw new OutOfMemoryError("memory limit of " + limitBytes + " bytes on " + device);
        }
        DeviceBuffer b = memory.allocate(bucket.dtype, bucket.capacity);
        deviceAllocations++;
        return b;
    }

    synchronized void recycle(DeviceBuffer buffer) {
        liveBytes -= buffer.bytes();
        liveBuffers--;
        cachedBytes += buffer.bytes();
        cache.computeIfAbsent(new Bucket(buffer.dtype(), buffer.capacity()), k -> new ArrayDeque<>()).addLast(buffer);
    }

    /** Returns every cached buffer to the device. */
    public synchronized void flush() {
        for (ArrayDeque<DeviceBuffer> free : cache.values()) {
            for (DeviceBuffer b : free) {
                memory.free(b);
            }
        }
        cache.clear();
        cachedBytes = 0;
    }

    public synchronized MemoryStats stats() {
        return new MemoryStats(liveBytes, liveBuffers, cachedBytes, peakBytes, deviceAllocations);
    }

    /** Small sizes round to 64 elements; larger ones to quarter steps between powers of two (at most 25% waste). */
    static int roundUp(int length) {
        if (length <= 1024) {
            return Math.max(64, (length + 63) & ~63);
        }
        int high = Integer.highestOneBit(length);
        int quarter = high >> 2;
        long rounded = ((long) length + quarter - 1) / quarter * quarter;
        // near the int limit no bucket fits above the request: never hand out less than was asked for
        return rounded > Integer.MAX_VALUE - 8 ? length : (int) rounded;
    }
}
