package dev.kiln.api.spi;

import dev.kiln.api.DType;
import dev.kiln.api.Device;
import dev.kiln.api.memory.MemoryStats;
import java.nio.ByteBuffer;

/**
 * One device of one backend: its memory, host transfers and every op. Obtained from a
 * {@link BackendProvider}; one instance per device per JVM, safe to share between threads
 * (each op call is independent; a device queue orders them).
 */
public interface Backend extends FusedOps {
    /** The backend's name as used in {@code -Dkiln.backend}: {@code cpu}, {@code opencl}, {@code cuda}. */
    String name();

    Device device();

    /** A one-line description of the device for logs and reports. */
    String description();

    /** Whether {@code op} runs for {@code dtype} here; a call that does not throws {@link dev.kiln.api.errors.UnsupportedOpException}. */
    boolean supports(Op op, DType dtype);

    /** Copies the remaining bytes of {@code src} (little-endian, {@code dst}'s dtype) into {@code dst} from element {@code dstOffset}. */
    void upload(ByteBuffer src, DeviceBuffer dst, int dstOffset);

    /** Fills the remaining bytes of {@code dst} from {@code src} starting at element {@code srcOffset}; waits for queued work first. */
    void download(DeviceBuffer src, int srcOffset, ByteBuffer dst);

    /** Waits for all queued work and re-throws the first deferred device error. */
    void synchronize();

    MemoryStats memory();

    /** Returns cached (free) buffers to the device. */
    void flushCache();
}
