package dev.kiln.api.errors;

import dev.kiln.api.Device;

/** The device could not satisfy an allocation even after the allocator flushed its cache and retried. */
public class OutOfDeviceMemoryException extends KilnException {
    private final long requestedBytes;

    public OutOfDeviceMemoryException(Device device, long requestedBytes, long liveBytes, long cachedBytes, long peakBytes,
                                      Throwable cause) {
        super("out of memory on " + device + ": requested " + requestedBytes + " bytes; live " + liveBytes
                + ", cached " + cachedBytes + " (flushed before retrying), peak " + peakBytes
                + " bytes. Free tensors you no longer need (close their Scope) or use a smaller batch.", cause);
        this.requestedBytes = requestedBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }
}
