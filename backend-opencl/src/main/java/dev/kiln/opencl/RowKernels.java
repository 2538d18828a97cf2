package dev.kiln.opencl;

/**
 * How a row-wise op (layer norm, softmax) is launched: a work-group per row that reduces with
 * barriers, or a work-item per row that loops over it. CPU drivers run every barrier as another
 * loop over the group, so CPU devices take a work-item per row; other devices a group. A system
 * property per op ({@code auto}, {@code group} or {@code rows}) overrides the choice, so the tests
 * run both on any device.
 */
enum RowKernels {
    GROUP, ROWS;

    /** The choice for {@code op} on {@code device}, read from {@code property} (once, when a backend opens). */
    static RowKernels chosen(String property, String op, OpenClDeviceProperties device) {
        return CpuKernelChoice.cpuKernel(property, op, "group", "rows", device) ? ROWS : GROUP;
    }
}
