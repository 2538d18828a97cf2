package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.UnaryOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM keeps its SIGSEGV handler in a JVM that has built OpenCL kernels (the build preloads libjsig for
 * its test JVMs), and the probe warns, naming the remedy, in a JVM where the platform took it.
 */
class SignalChainingTest {
    /** VM.info lines as HotSpot 25 prints them, before and after PoCL was loaded without libjsig. */
    private static final String JVM_OWNS = """
            Signal Handlers:
               SIGSEGV: javaSignalHandler in libjvm.so, mask=11100100010111111101111111111110, flags=SA_RESTART|SA_SIGINFO, unblocked
                SIGBUS: javaSignalHandler in libjvm.so, mask=11100100010111111101111111111110, flags=SA_RESTART|SA_SIGINFO, unblocked
            """;
    private static final String LLVM_TOOK = """
            Signal Handlers:
               SIGSEGV: 0x00007ff93615c570 in libLLVM-15.so.1+16106864, mask=00000000000000000000000000000000, flags=SA_ONSTACK|SA_RESETHAND|SA_NODEFER|Unknown_flags:80000000, unblocked
              *** Handler was modified!
              *** Expected: javaSignalHandler in libjvm.so, mask=11100100110111111111111111111110, flags=SA_RESTART|SA_SIGINFO
            """;

    @Test
    void vmInfoNamesTheLibraryThatTookSigsegv() {
        assertEquals(Optional.empty(), SignalChaining.sigsegvTakenBy(JVM_OWNS));
        assertEquals(Optional.of("libLLVM-15.so.1"), SignalChaining.sigsegvTakenBy(LLVM_TOOK));
        assertEquals(Optional.of("SIG_DFL"), SignalChaining.sigsegvTakenBy(
                "   SIGSEGV: SIG_DFL, mask=00000000000000000000000000000000, flags=none, unblocked\n"));
        assertEquals(Optional.of("libother.so"), SignalChaining.sigsegvTakenBy(
                "   SIGSEGV: on_fault in libother.so, mask=0, flags=SA_SIGINFO, unblocked\n"));
        assertEquals(Optional.empty(), SignalChaining.sigsegvTakenBy("no signal section here"));
    }

    @Test
    void afterBuildingAKernelTheJvmStillOwnsSigsegv() {
        OpenClBackend cl = OpenClTestBackend.get();
        buildAndRunAKernel(cl);
        assertEquals(Optional.empty(), SignalChaining.sigsegvTakenBy(),
                "an OpenCL library took the JVM's SIGSEGV handler in this test JVM. " + SignalChaining.REMEDY);
    }

    /** Runs in a child JVM without libjsig: opens the backend, builds a kernel, prints who holds SIGSEGV. */
    public static void main(String[] args) {
        buildAndRunAKernel(dev.kiln.api.Backends.select("opencl"));
        System.out.println("TAKEN BY " + SignalChaining.sigsegvTakenBy().orElse("nobody"));
    }

    @Test
    void withoutLibjsigTheProbeWarnsExactlyWhenThePlatformTookSigsegv() throws IOException, InterruptedException {
        OpenClTestBackend.get();
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), SignalChainingTest.class.getName())).redirectErrorStream(true);
        pb.environment().remove("LD_PRELOAD");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out:\n" + output);
        assertEquals(0, p.exitValue(), output);
        boolean taken = !output.contains("TAKEN BY nobody");
        assertEquals(taken, output.contains("SIGSEGV handler in place of the JVM's"), output);
        assertEquals(taken, output.contains("LD_PRELOAD=$JAVA_HOME/lib/libjsig.so"), output);
    }

    private static void buildAndRunAKernel(Backend cl) {
        int n = 64;
        DeviceBuffer x = cl.allocate(DType.F32, n);
        DeviceBuffer y = cl.allocate(DType.F32, n);
        try {
            ByteBuffer values = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                values.putFloat(i);
            }
            cl.upload(values.flip(), x, 0);
            Layout layout = Layout.contiguous(Shape.of(n));
            cl.unary(UnaryOp.NEG, new BufferView(x, layout), new BufferView(y, layout));
            ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
            cl.download(y, 0, out);
            assertEquals(-5f, out.getFloat(5 * 4), "NEG of 5");
        } finally {
            x.release();
            y.release();
        }
    }
}
