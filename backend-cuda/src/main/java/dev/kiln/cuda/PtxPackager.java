package dev.kiln.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Build step (process-classes) and the one place the CUDA units are compiled at build time:
 * compiles every {@link CudaVariants variant} with nvcc to PTX for {@link PackagedPtx#ARCH},
 * lowers its ISA to {@link PackagedPtx#ISA}, has ptxas assemble it for {@link #MACHINES} (which
 * proves the lowered ISA holds every instruction used) and writes it with the index into the given
 * folder. The tools run in parallel, one per core, and their counts and times are printed. A
 * failing nvcc or ptxas fails the build. {@link #CHECKS} records what each packaged module passed
 * and {@link #STAMP}, written last, the inputs it was built from: unchanged inputs run no tool.
 * Without nvcc or ptxas on the PATH it prints why and packages nothing, so the build passes and
 * the backend needs NVRTC at run time.
 */
public final class PtxPackager {
    /** The real architectures every packaged module must assemble for: Turing (the oldest nvcc 13 targets) and Hopper. */
    public static final List<String> MACHINES = List.of("sm_75", "sm_90");
    /** One line per packaged module: file, SHA-256 of its PTX, the machines ptxas assembled it for (comma-separated). */
    public static final String CHECKS = "checks.txt";
    /** The SHA-256 of every input ({@link #inputsHash}); written after everything else. */
    public static final String STAMP = "inputs.sha256";

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
        Path stamp = out.resolve(STAMP);
        if (Files.isRegularFile(out.resolve("index.txt")) && Files.isRegularFile(out.resolve(CHECKS)) && Files.isRegularFile(stamp)
                && Files.readString(stamp).equals(inputs)) {
            System.out.println("[kiln] CUDA: the " + variants.size() + " packaged PTX modules in " + out
                    + " are up to date (inputs unchanged), so nvcc and ptxas did not run");
            return;
        }
        deleteTree(out); // modules of variants that no longer exist must not stay in the jar
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("kiln-ptx");
        int workers = Runtime.getRuntime().availableProcessors();
        ToolRuns runs = new ToolRuns();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<String>> checked = new ArrayList<>();
            for (KernelVariant v : variants) {
                checked.add(pool.submit(() -> compile(nvcc.get(), ptxas.get(), v, out, work, runs)));
            }
            StringBuilder index = new StringBuilder();
            StringBuilder checks = new StringBuilder();
            for (int i = 0; i < variants.size(); i++) {
                String file = checked.get(i).get();
                index.append(file).append('\t').append(variants.get(i).unit()).append('\t').append(variants.get(i).options()).append('\n');
                checks.append(file).append('\t').append(sha256(Files.readString(out.resolve(file)))).append('\t')
                        .append(String.join(",", MACHINES)).append('\n');
            }
            Files.writeString(out.resolve("index.txt"), index);
            Files.writeString(out.resolve(CHECKS), checks);
            Files.writeString(stamp, inputs);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
            deleteTree(work);
        }
        System.out.printf("[kiln] CUDA: packaged %d PTX modules of %d units (%s, ISA %s, each assembled by ptxas for %s) in %s%n",
                variants.size(), variants.stream().map(KernelVariant::unit).distinct().count(), PackagedPtx.ARCH, PackagedPtx.ISA,
                MACHINES, out);
        System.out.printf("[kiln] CUDA: %s (summed), on %d parallel workers in %.1f s%n", runs.summary(), workers,
                (System.nanoTime() - start) / 1e9);
    }

    /** nvcc, then ptxas for every machine; returns the packaged file's name. */
    private static String compile(Path nvcc, Path ptxas, KernelVariant v, Path out, Path work, ToolRuns runs) {
        try {
            String ptx = runs.time("nvcc", () -> PackagedPtx.withIsa(CudaToolchain.nvccPtx(nvcc, v, PackagedPtx.ARCH, work), PackagedPtx.ISA));
            String file = v.unit() + "-" + sha256(v.options()).substring(0, 12) + ".ptx";
            Path lowered = Files.writeString(work.resolve(file), ptx);
            for (String sm : MACHINES) {
                runs.time("ptxas", () -> {
                    CudaToolchain.ptxas(ptxas, lowered, sm);
                    return null;
                });
            }
            Files.writeString(out.resolve(file), ptx);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What the PTX depends on: every variant, every flattened unit, the target, ISA and machines; unchanged means no rebuild. */
    static String inputsHash(List<KernelVariant> variants) {
        StringBuilder all = new StringBuilder(PackagedPtx.ARCH + "\n" + PackagedPtx.ISA + "\n" + MACHINES + "\n");
        for (KernelVariant v : variants) {
            all.append(v).append('\n');
        }
        variants.stream().map(KernelVariant::unit).distinct().sorted()
                .forEach(u -> all.append(CudaSources.load(u).text()).append('\n'));
        return sha256(all.toString());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
