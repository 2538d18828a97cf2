package dev.kiln.api.spi;

import dev.kiln.api.DType;
import dev.kiln.api.errors.KilnException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Device memory for {@code capacity} elements of one dtype, reference counted. Tensors and views
 * retain it; the last {@link #release()} hands it back to its allocator's cache, never to the
 * garbage collector.
 */
public abstract class DeviceBuffer {
    private final DType dtype;
    private final int capacity;
    private final AtomicInteger refs = new AtomicInteger();
    private CachingAllocator owner;

    protected DeviceBuffer(DType dtype, int capacity) {
        this.dtype = dtype;
        this.capacity = capacity;
    }

    public final DType dtype() {
        return dtype;
    }

    /** Number of elements the buffer holds (may exceed what was requested: allocations are bucketed). */
    public final int capacity() {
        return capacity;
    }

    public final long bytes() {
        return (long) capacity * dtype.byteSize();
    }

    public final DeviceBuffer retain() {
        int r;
        do {
            r = refs.get();
            if (r <= 0) {
                throw new KilnException("retain of a released " + dtype + " buffer: a tensor was used after its Scope closed");
            }
        } while (!refs.compareAndSet(r, r + 1));
        return this;
    }

    public final void release() {
        int r;
        do {
            r = refs.get();
            if (r <= 0) {
                throw new KilnException("release of an already released " + dtype + " buffer (double close)");
            }
        } while (!refs.compareAndSet(r, r - 1));
        if (r == 1) {
            owner.recycle(this);
        }
    }

    public final int refCount() {
        return refs.get();
    }

    final void handOut(CachingAllocator allocator) {
        this.owner = allocator;
        refs.set(1);
    }
}
