package dev.kiln.cli;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Backend;
import picocli.CommandLine.Option;

/** The {@code --backend} option shared by the commands that run a model. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "SPEC", defaultValue = "auto",
            description = {"auto | cpu | opencl[:N] | cuda[:N] (default: ${DEFAULT-VALUE}). auto picks the available "
                    + "backend with the highest priority (CUDA, then OpenCL, then CPU); a backend named explicitly "
                    + "either opens or fails with the reason ('kiln devices' lists them)."})
    String spec;

    Backend open() {
        return Backends.select(spec);
    }
}
