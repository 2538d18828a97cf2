package dev.kiln.opencl;

import static org.jocl.CL.CL_DEVICE_EXTENSIONS;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_OPENCL_C_VERSION;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Finds every OpenCL device of every platform. The first call loads JOCL's native library and,
 * through it, the system's libOpenCL (the ICD loader); failures there are reported by
 * {@link OpenClBackendProvider#probe()} with the reason.
 */
final class OpenClDiscovery {
    /** clGetPlatformIDs' answer when the ICD loader finds no vendor driver (cl_khr_icd). */
    private static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;

    /** Thrown when discovery finds nothing usable; the message is the probe's reason. */
    static final class NothingFound extends Exception {
        NothingFound(String reason) {
            super(reason);
        }
    }

    private OpenClDiscovery() {
    }

    /** All devices of all platforms, GPUs first. */
    static List<OpenClDeviceProperties> devices() throws NothingFound {
        CL.setExceptionsEnabled(true);
        cl_platform_id[] platforms = platforms();
        List<OpenClDeviceProperties> found = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL_PLATFORM_NAME);
            for (cl_device_id device : devicesOf(platform)) {
                found.add(properties(platform, platformName, device));
            }
        }
        if (found.isEmpty()) {
            throw new NothingFound(platforms.length + " OpenCL platform(s) found but no device on any of them;"
                    + " check the vendor driver (clinfo lists what the system sees)");
        }
        found.sort(Comparator.comparingInt(OpenClDeviceProperties::kindRank));
        return found;
    }

    private static cl_platform_id[] platforms() throws NothingFound {
        int[] count = new int[1];
        int status = CL_SUCCESS;
        try {
            clGetPlatformIDs(0, null, count);
        } catch (CLException e) {
            status = e.getStatus();
        }
        if (status == CL_PLATFORM_NOT_FOUND_KHR || (status == CL_SUCCESS && count[0] == 0)) {
            String vendors = System.getenv("OCL_ICD_VENDORS");
            throw new NothingFound("no OpenCL platform: the ICD loader found no vendor driver"
                    + (vendors != null ? " in OCL_ICD_VENDORS=" + vendors : " in /etc/OpenCL/vendors")
                    + "; install one (e.g. pocl-opencl-icd for the CPU, or the GPU vendor's OpenCL driver)");
        }
        if (status != CL_SUCCESS) {
            throw new NothingFound("clGetPlatformIDs failed with " + CL.stringFor_errorCode(status));
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        return platforms;
    }

    private static cl_device_id[] devicesOf(cl_platform_id platform) {
        int[] count = new int[1];
        try {
            clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, count);
        } catch (CLException e) {
            return new cl_device_id[0]; // CL_DEVICE_NOT_FOUND: a platform without devices
        }
        cl_device_id[] devices = new cl_device_id[count[0]];
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
        return devices;
    }

    private static OpenClDeviceProperties properties(cl_platform_id platform, String platformName, cl_device_id d) {
        String extensions = deviceString(d, CL_DEVICE_EXTENSIONS);
        return new OpenClDeviceProperties(platform, d, platformName,
                deviceString(d, CL_DEVICE_NAME), deviceString(d, CL_DEVICE_VENDOR), kind(deviceLong(d, CL_DEVICE_TYPE)),
                deviceString(d, CL_DEVICE_VERSION), deviceString(d, CL_DEVICE_OPENCL_C_VERSION),
                deviceString(d, CL_DRIVER_VERSION), deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE), deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE),
                deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS), deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                extensions.contains("cl_khr_fp64"));
    }

    private static String kind(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "ACCELERATOR";
        }
        return (type & CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : "OTHER";
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] bytes) {
        int n = bytes.length;
        while (n > 0 && bytes[n - 1] == 0) {
            n--;
        }
        return new String(bytes, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
