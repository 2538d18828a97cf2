package dev.kiln.opencl;

import static org.jocl.CL.CL_BUILD_PROGRAM_FAILURE;
import static org.jocl.CL.CL_PROGRAM_BINARIES;
import static org.jocl.CL.CL_PROGRAM_BINARY_SIZES;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateProgramWithBinary;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clGetProgramInfo;

import dev.kiln.api.errors.DeviceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * Programs of one device, built lazily from a kernel file and {@code -D} options, kept in memory
 * and as device binaries on disk. The disk key is a hash of source, options, device name and
 * driver version, so a driver update or an edited kernel builds afresh. The folder is
 * {@code ~/.cache/kiln/opencl} unless {@code -Dkiln.opencl.cacheDir} names another.
 */
public final class OpenClProgramCache {
    /** How programs were obtained since this cache was made. */
    public record Counters(long sourceBuilds, long binaryHits, long memoryHits) {
    }

    private final cl_context context;
    private final OpenClDeviceProperties device;
    private final Path folder;
    private final Map<String, cl_program> programs = new ConcurrentHashMap<>();
    /** Programs built by {@link #programFromSource}: not shared through the map, released with the others. */
    private final List<cl_program> singleUse = new ArrayList<>();
    private final OpenClObjects objects;
    private final AtomicLong sourceBuilds = new AtomicLong();
    private final AtomicLong binaryHits = new AtomicLong();
    private final AtomicLong memoryHits = new AtomicLong();

    OpenClProgramCache(cl_context context, OpenClDeviceProperties device, Path folder, OpenClObjects objects) {
        this.context = context;
        this.objects = objects;
        this.device = device;
        this.folder = folder;
    }

    /** The folder named by {@code -Dkiln.opencl.cacheDir}, else {@code ~/.cache/kiln/opencl}. */
    static Path defaultFolder() {
        String configured = System.getProperty("kiln.opencl.cacheDir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "kiln", "opencl");
    }

    public Path folder() {
        return folder;
    }

    public Counters counters() {
        return new Counters(sourceBuilds.get(), binaryHits.get(), memoryHits.get());
    }

    /** The built program of kernel file {@code file} under {@code options}. */
    public cl_program program(String file, String options) {
        String memoryKey = file + '\n' + options;
        cl_program p = programs.get(memoryKey);
        if (p != null) {
            memoryHits.incrementAndGet();
            return p;
        }
        synchronized (this) {
            p = programs.get(memoryKey);
            if (p == null) {
                p = build(file, KernelSources.load(file), options);
                programs.put(memoryKey, p);
            } else {
                memoryHits.incrementAndGet();
            }
            return p;
        }
    }

    /**
     * Builds {@code source} directly (no file on the class path); used for single-use programs and
     * tests. The program stays valid until the device closes.
     */
    public cl_program programFromSource(String label, String source, String options) {
        cl_program p = build(label, source, options);
        synchronized (this) {
            singleUse.add(p);
        }
        return p;
    }

    private cl_program build(String label, String source, String options) {
        String key = diskKey(source, options);
        Path binaryFile = folder.resolve(key + ".bin");
        cl_program fromDisk = loadBinary(binaryFile, options);
        if (fromDisk != null) {
            binaryHits.incrementAndGet();
            return fromDisk;
        }
        cl_program p = objects.created(clCreateProgramWithSource(context, 1, new String[]{source}, null, null));
        try {
            clBuildProgram(p, 1, new cl_device_id[]{device.device()}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            objects.release(p);
            if (e.getStatus() != CL_BUILD_PROGRAM_FAILURE && log.isBlank()) {
                throw new DeviceException("OpenCL build of " + label + " failed on " + device.name() + ": " + e.getMessage(), e);
            }
            Path dumped = dumpSource(key, source);
            throw new DeviceException("OpenCL build of kernel " + label + " failed on " + device.name()
                    + " (driver " + device.driverVersion() + ") with options '" + options + "'.\nSource: " + dumped
                    + "\nBuild log:\n" + log);
        }
        sourceBuilds.incrementAndGet();
        storeBinary(p, binaryFile);
        return p;
    }

    private String diskKey(String source, String options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[]{source, options, device.name(), device.driverVersion()}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** A cached binary, or null when there is none or the driver rejects it (then it is built from source). */
    private cl_program loadBinary(Path file, String options) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        cl_program p = null;
        try {
            byte[] binary = Files.readAllBytes(file);
            p = objects.created(clCreateProgramWithBinary(context, 1, new cl_device_id[]{device.device()},
                    new long[]{binary.length}, new byte[][]{binary}, new int[1], null));
            clBuildProgram(p, 1, new cl_device_id[]{device.device()}, options, null, null);
            return p;
        } catch (IOException | CLException e) {
            if (p != null) {
                objects.release(p);
            }
            return null;
        }
    }

    private void storeBinary(cl_program p, Path file) {
        try {
            long[] size = new long[1];
            clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
            if (size[0] == 0) {
                return;
            }
            byte[] binary = new byte[(int) size[0]];
            clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(binary)), null);
            Files.createDirectories(file.getParent());
            // write then rename, so a concurrent reader never sees half a binary
            Path tmp = Files.createTempFile(file.getParent(), "kiln", ".tmp");
            Files.write(tmp, binary);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | CLException e) {
            System.getLogger("dev.kiln.opencl").log(System.Logger.Level.WARNING,
                    "kiln: cannot store the OpenCL program binary in " + file + " (" + e + "); builds will not be cached on disk");
        }
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device.device(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device.device(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            return new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
        } catch (CLException e) {
            return "(no build log: " + e.getMessage() + ")";
        }
    }

    private Path dumpSource(String key, String source) {
        Path dir = folder.resolve("failed");
        Path file = dir.resolve(key + ".cl");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, source);
            return file;
        } catch (IOException e) {
            try {
                Path tmp = Files.createTempFile("kiln-failed-kernel", ".cl");
                Files.writeString(tmp, source);
                return tmp;
            } catch (IOException again) {
                return Path.of("(source could not be written: " + again.getMessage() + ")");
            }
        }
    }

    /** Releases every program (when the device closes). */
    synchronized void release() {
        programs.values().forEach(objects::release);
        programs.clear();
        singleUse.forEach(objects::release);
        singleUse.clear();
    }
}
