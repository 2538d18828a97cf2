package dev.kiln.opencl;

/**
 * The choice between an op's kernel for any device and its kernel for CPU devices, read from a
 * system property once, when a backend opens: {@code auto} takes the CPU kernel on CPU devices
 * ({@link OpenClDeviceProperties#isCpu()}); either kernel's name forces it, so tests run both on
 * any device.
 */
final class CpuKernelChoice {
    private CpuKernelChoice() {
    }

    /** Whether {@code op} runs its CPU kernel (named {@code cpu}) rather than its general one (named {@code general}). */
    static boolean cpuKernel(String property, String op, String general, String cpu, OpenClDeviceProperties device) {
        String value = System.getProperty(property, "auto");
        if (value.equals("auto")) {
            return device.isCpu();
        }
        if (value.equals(general) || value.equals(cpu)) {
            return value.equals(cpu);
        }
        throw new IllegalArgumentException(op + ": system property " + property + " is '" + value + "'; expected auto, "
                + general + " or " + cpu);
    }
}
