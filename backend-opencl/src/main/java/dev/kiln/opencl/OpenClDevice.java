package dev.kiln.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_HOST_MEMORY;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseMemObject;

import dev.kiln.api.DType;
import dev.kiln.api.errors.DeviceException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One opened OpenCL device: its context, its single in-order queue, its programs and a small
 * error-flag buffer that kernels write when they meet bad input (an index out of range). Work is
 * queued without waiting; {@link #synchronize()} waits and re-throws what went wrong.
 * {@link #close()} releases every OpenCL object the device made ({@link #objects()} counts them).
 */
public final class OpenClDevice {
    private final OpenClDeviceProperties properties;
    private final cl_context context;
    private final cl_command_queue queue;
    private final OpenClProgramCache programs;
    private final cl_mem errorFlag;
    /**
     * Where each synchronisation reads the error flag. The blocking read is the wait itself: on the
     * in-order queue it ends after everything queued before it, so the finish after it finds an
     * empty queue (a non-blocking read has JOCL wait for its event on a thread of its own).
     * Synchronisations take turns on it.
     */
    private final int[] errorFlagCopy = new int[4];
    private final Map<KernelKey, Kernel> kernels = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> deferred = new AtomicReference<>();
    private final AtomicLong hostWaits = new AtomicLong();
    private final KernelProfile profile = new KernelProfile();
    private final OpenClObjects objects = new OpenClObjects();
    /** Adam steps kept for one launch: queued before anything else is queued, waited for or freed. */
    private final AdamSteps adamSteps = new AdamSteps(this);
    /** Every program cache made for this device (its own and {@link #newProgramCache}'s), released on close. */
    private final List<OpenClProgramCache> caches = new ArrayList<>();
    /** Kernels made by {@link #kernel(cl_program, String)}: not shared through the map, released on close. */
    private final List<cl_kernel> singleUseKernels = new ArrayList<>();
    /** Work on the device holds the read lock; close takes the write lock, so it never releases what is in use. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    OpenClDevice(OpenClDeviceProperties properties, java.nio.file.Path programCacheFolder) {
        this.properties = properties;
        cl_context_properties cp = new cl_context_properties();
        cp.addProperty(CL_CONTEXT_PLATFORM, properties.platform());
        this.context = clCreateContext(cp, 1, new cl_device_id[]{properties.device()}, null, null, null);
        this.queue = clCreateCommandQueue(context, properties.device(), profile.enabled() ? CL_QUEUE_PROFILING_ENABLE : 0, null);
        this.programs = new OpenClProgramCache(context, properties, programCacheFolder, objects);
        caches.add(programs);
        this.errorFlag = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 4L * Sizeof.cl_int,
                Pointer.to(new int[4]), null);
    }

    OpenClDeviceProperties properties() {
        return properties;
    }

    public OpenClProgramCache programs() {
        return programs;
    }

    /** A new, empty program cache for this device over {@code folder} (for tools and tests that measure builds). */
    public OpenClProgramCache newProgramCache(java.nio.file.Path folder) {
        return whileOpen("newProgramCache", () -> {
            OpenClProgramCache cache = new OpenClProgramCache(context, properties, folder, objects);
            synchronized (caches) {
                caches.add(cache);
            }
            return cache;
        });
    }

    AdamSteps adamSteps() {
        return adamSteps;
    }

    /** The programs and kernels this device holds now. */
    public OpenClObjects objects() {
        return objects;
    }

    cl_mem errorFlag() {
        return errorFlag;
    }

    /** Build options for a program of element type {@code dtype} plus {@code extra} (-D ... words). */
    String options(DType dtype, String extra) {
        StringBuilder sb = new StringBuilder("-cl-std=CL1.2");
        if (dtype != null) {
            sb.append(" -DKILN_").append(dtype.name());
        }
        if (properties.fp64()) {
            sb.append(" -DKILN_FP64");
        }
        if (!extra.isBlank()) {
            sb.append(' ').append(extra.trim());
        }
        return sb.toString();
    }

    /** What names one kernel object: the arguments of {@link #kernel}, compared without building any string. */
    private record KernelKey(String file, String stem, DType dtype, String extraOptions) {
    }

    /** A created kernel object, the arguments last set on it, and its full name {@code stem_<dtype>} (for error messages). */
    private record Kernel(cl_kernel object, KernelArgs args, String name) {
    }

    /**
     * A launch of kernel {@code stem_<dtype>} from {@code file}, built with {@code extraOptions}.
     * Every op calls this per launch, so a known kernel is found by its arguments alone; build
     * options and names are put together only the first time.
     */
    public KernelCall kernel(String file, String stem, DType dtype, String extraOptions) {
        KernelKey key = new KernelKey(file, stem, dtype, extraOptions);
        Kernel k = kernels.get(key);
        if (k == null) {
            k = whileOpen(stem, () -> createKernel(key));
        }
        return new KernelCall(this, k.object(), k.args(), k.name());
    }

    /**
     * A launch of a kernel from a program built elsewhere (e.g. {@link OpenClProgramCache#programFromSource}).
     * Each call makes a new kernel object (released when the device closes); keep the call and
     * launch it again rather than asking twice.
     */
    KernelCall kernel(cl_program program, String name) {
        cl_kernel k = whileOpen(name, () -> objects.created(clCreateKernel(program, name, null)));
        synchronized (singleUseKernels) {
            singleUseKernels.add(k);
        }
        return new KernelCall(this, k, new KernelArgs(), name);
    }

    /** Builds (or finds) the program outside the map's locks; a thread that loses the race releases its copy. */
    private Kernel createKernel(KernelKey key) {
        String options = options(key.dtype(), key.extraOptions());
        String name = key.stem() + "_" + key.dtype().id();
        cl_program program = programs.program(key.file(), options);
        cl_kernel object;
        try {
            object = objects.created(clCreateKernel(program, name, null));
        } catch (CLException e) {
            throw new DeviceException("kernel " + name + " not found in " + key.file() + " built with '" + options + "' on "
                    + properties.name() + ": " + e.getMessage(), e);
        }
        Kernel fresh = new Kernel(object, new KernelArgs(), name);
        Kernel existing = kernels.putIfAbsent(key, fresh);
        if (existing != null) {
            objects.release(object);
            return existing;
        }
        return fresh;
    }

    OpenClBuffer allocate(DType dtype, int capacity) {
        return whileOpen("allocate", () -> allocateOpen(dtype, capacity));
    }

    private OpenClBuffer allocateOpen(DType dtype, int capacity) {
        long bytes = (long) capacity * dtype.byteSize();
        if (bytes > properties.maxAllocationBytes()) {
            throw new OutOfMemoryError(bytes + " bytes exceed the largest single allocation of " + properties.name()
                    + " (" + properties.maxAllocationBytes() + " bytes)");
        }
        try {
            return new OpenClBuffer(dtype, capacity, clCreateBuffer(context, CL_MEM_READ_WRITE, Math.max(1, bytes), null, null));
        } catch (CLException e) {
            if (isOutOfMemory(e.getStatus())) {
                throw new OutOfMemoryError("clCreateBuffer of " + bytes + " bytes on " + properties.name() + ": " + e.getMessage());
            }
            throw new DeviceException("clCreateBuffer of " + bytes + " bytes failed on " + properties.name() + ": " + e.getMessage(), e);
        }
    }

    void free(OpenClBuffer buffer) {
        adamSteps.flush();
        clReleaseMemObject(buffer.mem());
    }

    void upload(ByteBuffer src, OpenClBuffer dst, int dstOffset) {
        int bytes = src.remaining();
        long offsetBytes = (long) dstOffset * dst.dtype().byteSize();
        checkRange("upload", dst, offsetBytes, bytes);
        if (bytes == 0) {
            return;
        }
        DeferredFill.settle(this, dst);
        ByteBuffer direct = src.isDirect() ? src.slice() : ByteBuffer.allocateDirect(bytes).put(src.duplicate()).flip();
        enqueue("upload", () -> clEnqueueWriteBuffer(queue, dst.mem(), CL_TRUE, offsetBytes, bytes, Pointer.to(direct), 0, null, null));
    }

    void download(OpenClBuffer src, int srcOffset, ByteBuffer dst) {
        int bytes = dst.remaining();
        long offsetBytes = (long) srcOffset * src.dtype().byteSize();
        checkRange("download", src, offsetBytes, bytes);
        if (bytes > 0) {
            DeferredFill.settle(this, src);
            ByteBuffer direct = dst.isDirect() ? dst.slice() : ByteBuffer.allocateDirect(bytes);
            enqueue("download", () -> clEnqueueReadBuffer(queue, src.mem(), CL_TRUE, offsetBytes, bytes, Pointer.to(direct), 0, null, null));
            if (!dst.isDirect()) {
                dst.duplicate().put(direct);
            }
        }
        synchronize();
    }

    private static void checkRange(String what, OpenClBuffer b, long offsetBytes, long bytes) {
        if (offsetBytes < 0 || offsetBytes + bytes > b.bytes()) {
            throw new IllegalArgumentException(what + ": bytes [" + offsetBytes + ", " + (offsetBytes + bytes)
                    + ") are outside the " + b.dtype() + " buffer of " + b.bytes() + " bytes");
        }
    }

    void launch(cl_kernel kernel, String name, int dims, long[] global, long[] local) {
        enqueue(name, () -> clEnqueueNDRangeKernel(queue, kernel, dims, null, global, local, 0, null, profile.track(name)));
    }

    /** Device time per kernel, recorded when {@code -Dkiln.opencl.profile=true} ({@link KernelProfile}). */
    public KernelProfile profile() {
        return profile;
    }

    /**
     * Runs one enqueue call. Failures that mean the device ran out of something, or that earlier
     * work failed, are kept for {@link #synchronize()}; others are host mistakes and throw now.
     */
    private void enqueue(String what, Runnable call) {
        adamSteps.flush();
        try {
            whileOpen(what, call);
        } catch (CLException e) {
            if (isOutOfMemory(e.getStatus()) || e.getStatus() == CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST) {
                deferred.compareAndSet(null, new DeviceException(what + " failed on " + properties.name() + ": " + e.getMessage(), e));
            } else {
                throw new DeviceException(what + " could not be queued on " + properties.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * How many times the host has waited for this device's queue (every download and every
     * synchronisation does): ops that stay on the device leave it unchanged.
     */
    public long hostWaits() {
        return hostWaits.get();
    }

    /** Waits for all queued work, then re-throws the first deferred failure or kernel-reported error. */
    public void synchronize() {
        adamSteps.flush();
        hostWaits.incrementAndGet();
        synchronized (errorFlagCopy) {
            Arrays.fill(errorFlagCopy, 0);
            try {
                whileOpen("synchronize", () -> {
                    try {
                        clEnqueueReadBuffer(queue, errorFlag, CL_TRUE, 0, 4L * Sizeof.cl_int, Pointer.to(errorFlagCopy), 0, null, null);
                    } finally {
                        clFinish(queue);
                    }
                });
                profile.collect();
            } catch (CLException e) {
                deferred.compareAndSet(null, new DeviceException("queued work failed on " + properties.name() + ": " + e.getMessage(), e));
            }
            RuntimeException failure = deferred.getAndSet(null);
            if (failure != null) {
                throw failure;
            }
            checkErrorFlag();
        }
    }

    /** Throws what a kernel reported in the flag just read (and clears the flag on the device). */
    private void checkErrorFlag() {
        int code = errorFlagCopy[0];
        if (code != 0) {
            whileOpen("synchronize", () -> clEnqueueWriteBuffer(queue, errorFlag, CL_TRUE, 0, 4L * Sizeof.cl_int,
                    Pointer.to(new int[4]), 0, null, null));
            throw new DeviceException(KernelErrors.describe(code, errorFlagCopy[1], errorFlagCopy[2])
                    + " (reported by a kernel on " + properties.name() + "; the results of that op are undefined)");
        }
    }

    /** Runs {@code work} while the device is open; {@link #close} waits for it to finish. */
    void whileOpen(String what, Runnable work) {
        whileOpen(what, () -> {
            work.run();
            return null;
        });
    }

    private <T> T whileOpen(String what, Supplier<T> work) {
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new DeviceException(what + ": the OpenCL device " + properties.name() + " is closed; open the backend"
                        + " again (Backends.select(\"opencl\")) for a new one");
            }
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Waits for queued work, then releases every kernel and program, the error flag, the queue and
     * the context; buffers still alive stay valid until freed. Later use throws; closing twice does nothing.
     */
    public void close() {
        Lock lock = lifecycle.writeLock();
        lock.lock();
        try {
            release();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the device if the work in flight ends within {@code millis}; at JVM exit a thread may
     * still be using it (or be stuck in a kernel), and the exit must not wait for it for long.
     */
    boolean closeWithin(long millis) throws InterruptedException {
        Lock lock = lifecycle.writeLock();
        if (!lock.tryLock(millis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        try {
            release();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        if (closed) {
            return;
        }
        try {
            // queued while the device is still open; the finish below waits for them
            adamSteps.flush();
            closed = true;
            clFinish(queue);
        } finally {
            closed = true;
            kernels.values().forEach(k -> objects.release(k.object()));
            kernels.clear();
            singleUseKernels.forEach(objects::release);
            singleUseKernels.clear();
            caches.forEach(OpenClProgramCache::release);
            clReleaseMemObject(errorFlag);
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
        }
    }

    private static boolean isOutOfMemory(int status) {
        return status == CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL_OUT_OF_RESOURCES || status == CL_OUT_OF_HOST_MEMORY;
    }

    @Override
    public String toString() {
        return properties.name() + " (" + properties.platformName() + ")";
    }
}
