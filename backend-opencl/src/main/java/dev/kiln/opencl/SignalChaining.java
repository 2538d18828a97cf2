package dev.kiln.opencl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Whether the JVM still owns SIGSEGV after an OpenCL platform was loaded. PoCL's LLVM installs its own
 * handlers for SIGSEGV, SIGBUS, SIGILL and other signals when clGetPlatformIDs loads it, and installs them
 * again at the next program it compiles after a fault took them down. The JVM needs SIGSEGV for the implicit
 * null checks, safepoint polls and stack banging of compiled code: LLVM's handler is one-shot and puts the
 * JVM's back on the first fault, but a second thread faulting before it has done so finds the default
 * action, and the process dies of SIGSEGV (exit code 139, no hs_err file). The JDK's libjsig, preloaded,
 * keeps the JVM's handler installed and chains others behind it.
 */
final class SignalChaining {
    /** What a user whose JVM lost the handler should do. */
    static final String REMEDY = "Start the JVM with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so (the kiln launcher and the"
            + " Maven build do)";

    /** VM.info's line for SIGSEGV: the handler, then "in" and the library holding it (with an offset when unnamed). */
    private static final Pattern SIGSEGV_LINE = Pattern.compile("^\\s*SIGSEGV: (.*)$", Pattern.MULTILINE);
    private static final Pattern LIBRARY = Pattern.compile(" in ([^\\s+,]+)");
    private static final String JVM_HANDLER = "javaSignalHandler in libjvm";

    private SignalChaining() {
    }

    /**
     * The library whose handler the kernel runs for SIGSEGV instead of the JVM's, or empty when the JVM's is
     * in place or this cannot be told (not Linux, or a JVM without HotSpot's VM.info).
     */
    static Optional<String> sigsegvTakenBy() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps) || libjsigLoaded(maps)) {
            return Optional.empty();
        }
        return vmInfo().flatMap(SignalChaining::sigsegvTakenBy);
    }

    /**
     * From HotSpot's VM.info text, the library holding the SIGSEGV handler when it is not the JVM's. Only
     * meaningful without libjsig: with it, VM.info shows the handler chained behind the JVM's instead.
     */
    static Optional<String> sigsegvTakenBy(String vmInfo) {
        Matcher line = SIGSEGV_LINE.matcher(vmInfo);
        if (!line.find() || line.group(1).startsWith(JVM_HANDLER)) {
            return Optional.empty();
        }
        String handler = line.group(1);
        Matcher library = LIBRARY.matcher(handler);
        return Optional.of(library.find() ? library.group(1) : handler.split(",", 2)[0]);
    }

    private static boolean libjsigLoaded(Path maps) {
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.endsWith("/libjsig.so"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static Optional<String> vmInfo() {
        try {
            Object info = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmInfo",
                    new Object[]{null}, new String[]{String[].class.getName()});
            return Optional.of(String.valueOf(info));
        } catch (JMException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
