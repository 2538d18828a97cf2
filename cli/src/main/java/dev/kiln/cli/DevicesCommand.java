package dev.kiln.cli;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.DeviceInfo;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists every backend on the class path: its devices when available, its one-line reason when not. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        header = "List the backends and devices Kiln can use, or why one cannot run.",
        description = {"List every backend and device Kiln can use: kind, memory, compute units and driver / OpenCL / "
                + "CUDA versions; for a backend that cannot run here, the reason why. A device is named NAME:INDEX"
                + " in --backend (e.g. opencl:0)."})
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (BackendProvider provider : Backends.providers()) {
            Availability a = provider.probe();
            if (!a.available()) {
                out.printf("%-8s unavailable: %s%n", provider.name(), oneLine(a.reason()));
                continue;
            }
            out.printf("%-8s available (priority %d): %s%n", provider.name(), provider.priority(), oneLine(a.reason()));
            for (DeviceInfo d : provider.devices()) {
                out.printf("  %s:%d  %s  [%s]  memory %s, %d compute units%n", provider.name(), d.index(), d.name(), d.kind(),
                        Units.bytes(d.memoryBytes()), d.computeUnits());
                for (Map.Entry<String, String> e : new TreeMap<>(d.details()).entrySet()) {
                    out.printf("      %-20s %s%n", e.getKey(), e.getValue());
                }
            }
        }
        out.flush();
        return 0;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
