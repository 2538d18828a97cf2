package dev.kiln.api.spi;

import java.util.Map;

/** What {@code kiln devices} shows for one device: kind (GPU, CPU, ...), memory, compute units, versions. */
public record DeviceInfo(int index, String name, String kind, long memoryBytes, int computeUnits, Map<String, String> details) {
}
