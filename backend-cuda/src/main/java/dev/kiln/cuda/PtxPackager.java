package dev.kiln.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Build step (process-classes): compiles every {@link CudaVariants variant} with nvcc to PTX for
 * {@link PackagedPtx#ARCH}, lowers its ISA to {@link PackagedPtx#ISA}, has ptxas assemble it for
 * {@link #MACHINES} (which proves the lowered ISA holds every instruction used) and writes it
 * with the index into the given folder. Unchanged inputs are not rebuilt. Without nvcc on the PATH it prints why and packages nothing, so
 * the build passes and the backend needs NVRTC at run time.
 */
public final class PtxPackager {
    /** The real architectures every packaged module must assemble for: Turing (the oldest nvcc 13 targets) and Hopper. */
    public static final List<String> MACHINES = List.of("sm_75", "sm_90");
    private PtxPackager() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: PtxPackager <output folder for the PTX and index.txt>");
        }
        Path out = Path.of(args[0]);
        Optional<Path> nvcc = CudaToolchain.find("nvcc");
        Optional<Path> ptxas = CudaToolchain.find("ptxas");
        if (nvcc.isEmpty() || ptxas.isEmpty()) {
            System.out.println("[kiln] CUDA: " + (nvcc.isEmpty() ? "nvcc" : "ptxas") + " is not on the PATH, so no PTX is packaged; "
                    + "the CUDA backend will need NVRTC (libnvrtc) at run time");
            return;
        }
        List<KernelVariant> variants = CudaVariants.all();
        String inputs = inputsHash(variants);
        Path stamp = out.resolve("inputs.sha256");
        if (Files.isRegularFile(out.resolve("index.txt")) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(inputs)) {
            System.out.println("[kiln] CUDA: the " + variants.size() + " packaged PTX modules in " + out + " are up to date");
            return;
        }
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("kiln-ptx");
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> lines = new ArrayList<>();
            for (KernelVariant v : variants) {
                lines.add(pool.submit(() -> compile(nvcc.get(), ptxas.get(), v, out, work)));
            }
            StringBuilder index = new StringBuilder();
            for (Future<String> line : lines) {
                index.append(line.get()).append('\n');
            }
            Files.writeString(out.resolve("index.txt"), index);
            Files.writeString(stamp, inputs);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
            deleteTree(work);
        }
        System.out.printf("[kiln] CUDA: packaged %d PTX modules (%s, ISA %s, each assembled by ptxas for %s) in %s in %.1f s%n",
                variants.size(), PackagedPtx.ARCH, PackagedPtx.ISA, MACHINES, out, (System.nanoTime() - start) / 1e9);
    }

    private static String compile(Path nvcc, Path ptxas, KernelVariant v, Path out, Path work) {
        try {
            String ptx = PackagedPtx.withIsa(CudaToolchain.nvccPtx(nvcc, v, PackagedPtx.ARCH, work), PackagedPtx.ISA);
            String file = v.unit() + "-" + fileKey(v.options()) + ".ptx";
            Path checked = Files.writeString(work.resolve(file), ptx);
            for (String sm : MACHINES) {
                CudaToolchain.ptxas(ptxas, checked, sm);
            }
            Files.writeString(out.resolve(file), ptx);
            return file + "\t" + v.unit() + "\t" + v.options();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String fileKey(String options) {
        return sha256(options).substring(0, 12);
    }

    /** What the PTX depends on: every variant, every flattened unit, the target and ISA; unchanged means no rebuild. */
    private static String inputsHash(List<KernelVariant> variants) {
        StringBuilder all = new StringBuilder(PackagedPtx.ARCH + "\n" + PackagedPtx.ISA + "\n" + MACHINES + "\n");
        for (KernelVariant v : variants) {
            all.append(v).append('\n');
        }
        variants.stream().map(KernelVariant::unit).distinct().sorted()
                .forEach(u -> all.append(CudaSources.load(u).text()).append('\n'));
        return sha256(all.toString());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
