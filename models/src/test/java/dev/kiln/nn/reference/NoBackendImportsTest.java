package dev.kiln.nn.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Model code is backend-agnostic: no main source of this module may name a backend package. */
class NoBackendImportsTest {
    private static final Pattern BACKEND = Pattern.compile("\\bdev\\.kiln\\.(cpu|opencl|cuda)\\b");

    @Test
    void mainSourcesNeverImportABackend() throws IOException {
        Path main = Path.of("src/main/java");
        assertTrue(Files.isDirectory(main), "run from the models module directory; " + main.toAbsolutePath() + " is missing");
        List<String> offenders = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(main)) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (BACKEND.matcher(lines.get(i)).find()) {
                        offenders.add(main.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertTrue(files > 20, "expected the module's sources under " + main.toAbsolutePath() + ", found " + files + " files");
        assertEquals(List.of(), offenders, "models must reach backends only through runtime-api (Backends, Tensors)");
    }
}
