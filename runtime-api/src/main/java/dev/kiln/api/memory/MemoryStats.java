package dev.kiln.api.memory;

/** A snapshot of one device's allocator: bytes and buffers handed out, bytes held in the cache, peak live bytes. */
public record MemoryStats(long liveBytes, long liveBuffers, long cachedBytes, long peakBytes, long deviceAllocations) {
}
