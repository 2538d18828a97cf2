package dev.kiln.cuda;

import jcuda.driver.CUdevice;

/** What Kiln needs to know about one CUDA device, read once at discovery. */
record CudaDeviceProperties(
        int ordinal,
        CUdevice device,
        String name,
        int capabilityMajor,
        int capabilityMinor,
        int driverVersion,
        long globalMemoryBytes,
        int multiprocessors,
        int maxThreadsPerBlock,
        int sharedMemoryPerBlock) {

    /** The most threads per block, in OpenCL's words (the host code sizes work-groups with it). */
    long maxWorkGroupSize() {
        return maxThreadsPerBlock;
    }

    /** Static shared memory a block may use, in OpenCL's words. */
    long localMemoryBytes() {
        return sharedMemoryPerBlock;
    }

    /** Compute capability as one number, e.g. 90 for 9.0. */
    int capability() {
        return capabilityMajor * 10 + capabilityMinor;
    }

    String capabilityText() {
        return capabilityMajor + "." + capabilityMinor;
    }

    /** A driver version such as 12040 as "12.4". */
    static String driverText(int version) {
        return version / 1000 + "." + (version % 1000) / 10;
    }

    @Override
    public String toString() {
        return name + " (CUDA device " + ordinal + ", capability " + capabilityText() + ", driver " + driverText(driverVersion) + ")";
    }
}
