package dev.kiln.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** What Kiln needs to know about one OpenCL device, read once at discovery. */
record OpenClDeviceProperties(
        cl_platform_id platform,
        cl_device_id device,
        String platformName,
        String name,
        String vendor,
        String kind,
        String openclVersion,
        String openclCVersion,
        String driverVersion,
        long globalMemoryBytes,
        long maxAllocationBytes,
        long localMemoryBytes,
        int computeUnits,
        long maxWorkGroupSize,
        boolean fp64) {

    /**
     * Whether this is a CPU device (PoCL): its driver runs every work-group barrier as another loop
     * over the group and starts each group as a task, so ops pick barrier-free kernels with larger
     * per-work-item loops there.
     */
    boolean isCpu() {
        return "CPU".equals(kind);
    }

    /** Sorting rank: GPUs first, then accelerators, then CPUs and the rest. */
    int kindRank() {
        return switch (kind) {
            case "GPU" -> 0;
            case "ACCELERATOR" -> 1;
            default -> 2;
        };
    }
}
