package dev.kiln.conformance.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a main class of this test class path in a fresh JVM, so JVM-wide settings and kills stay out of the test's JVM. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** The child's stdout and stderr come together through {@link Process#getInputStream()}. */
    static Process start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        return new ProcessBuilder(command(main, jvmOptions, args)).redirectErrorStream(true).start();
    }

    /** The child's stdout and stderr go to {@code log}, so nobody has to drain a pipe while the child runs. */
    static Process startLogged(Path log, Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        return new ProcessBuilder(command(main, jvmOptions, args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }
}
