package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reductions and scatter-adds are deterministic by construction: no OpenCL or CUDA kernel source
 * on the class path uses an atomic operation (whose order of additions varies from run to run),
 * so there is no atomic path to switch on. {@link DeterminismTest} checks the bits on each backend.
 */
@ExtendWith(ReliabilityExtension.class)
class NoAtomicKernelsTest {
    private static final Pattern COMMENTS = Pattern.compile("//[^\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    /** OpenCL's atomic_* and atom_* built-ins, CUDA's atomicAdd and its kin, and PTX atom. / red. instructions. */
    private static final Pattern ATOMIC = Pattern.compile("\\b(atomic_\\w+|atom_\\w+|atomic[A-Z]\\w*)\\s*\\(|\\b(atom|red)\\.[a-z]");

    @Test
    void noKernelSourceUsesAnAtomicOperation() throws IOException, URISyntaxException {
        Map<String, List<String>> uses = new TreeMap<>();
        int files = 0;
        for (String root : List.of("dev/kiln/kernels/", "dev/kiln/cuda/units/")) {
            Map<String, String> sources = sources(root);
            assertTrue(sources.size() >= 10, root + " holds only " + sources.keySet());
            files += sources.size();
            sources.forEach((name, text) -> {
                Matcher m = ATOMIC.matcher(COMMENTS.matcher(text).replaceAll(" "));
                List<String> found = new ArrayList<>();
                while (m.find()) {
                    found.add(m.group());
                }
                if (!found.isEmpty()) {
                    uses.put(root + name, found);
                }
            });
        }
        assertEquals(Map.of(), uses, "atomic operations in " + files + " kernel sources");
    }

    /** The kernel sources (.cl, .cu, .h, .cuh) in a class-path folder, from a directory or a jar. */
    private static Map<String, String> sources(String root) throws IOException, URISyntaxException {
        URL url = NoAtomicKernelsTest.class.getClassLoader().getResource(root);
        assertTrue(url != null, root + " is not on the test class path");
        if (url.getProtocol().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(url.toURI(), Map.of())) {
                return read(jar.getPath(root));
            }
        }
        return read(Path.of(url.toURI()));
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().matches(".*\\.(cl|cu|h|cuh)")).toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return out;
    }
}
