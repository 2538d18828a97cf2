package dev.kiln.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Build step (process-classes) and the one place the CUDA units are compiled at build time:
 * compiles every {@link CudaVariants variant} with nvcc to PTX for {@link PackagedPtx#ARCH} (a
 * CUDA-only unit for {@link PackagedPtx#UNIT_CAPABILITY its own}), the
 * variants of one unit and dtype together as one {@link CudaModuleSource module} (one nvcc and one
 * ptxas run per machine for all of them), lowers its ISA to {@link PackagedPtx#ISA}, has ptxas
 * assemble it for {@link #MACHINES} (which proves the lowered ISA holds every instruction used)
 * and writes it with the index into the given folder. The tools run in parallel, one per core, and their counts and times are printed. A
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
    /**
     * Units whose variants each take the driver seconds to compile from PTX while a call needs only
     * one of them (attention: one per head-size capacity), so each is a module of its own.
     */
    static final Set<String> MODULE_PER_VARIANT = Set.of("attention");
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
            System.out.println("[kiln] CUDA: the " + variants.size() + " packaged PTX variants in " + out
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
            List<List<KernelVariant>> modules = modules(variants);
            List<Future<String>> checked = new ArrayList<>(Collections.nCopies(modules.size(), null));
            // the largest sources (attention) first, so no long compile is left for the end while the other workers idle
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < modules.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingInt((Integer i) -> CudaModuleSource.of(modules.get(i)).length()).reversed());
            for (int i : order) {
                List<KernelVariant> module = modules.get(i);
                checked.set(i, pool.submit(() -> compile(nvcc.get(), ptxas.get(), module, out, work, runs)));
            }
            StringBuilder index = new StringBuilder();
            StringBuilder checks = new StringBuilder();
            for (int i = 0; i < modules.size(); i++) {
                String file = checked.get(i).get();
                for (KernelVariant v : modules.get(i)) {
                    index.append(file).append('\t').append(v.unit()).append('\t').append(v.options()).append('\n');
                }
                checks.append(file).append('\t').append(sha256(Files.readString(out.resolve(file)))).append('\t')
                        .append(String.join(",", machines(modules.get(i).getFirst().unit()))).append('\n');
            }
            Files.writeString(out.resolve("index.txt"), index);
            Files.writeString(out.resolve(CHECKS), checks);
            Files.writeString(stamp, inputs);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
        } finally {
            // after a failure the other workers may still be writing into work: let them finish first
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            deleteTree(work);
        }
        System.out.printf("[kiln] CUDA: packaged %d variants of %d units as %d PTX modules (%s, ISA %s, each assembled by ptxas for %s) in %s%n",
                variants.size(), variants.stream().map(KernelVariant::unit).distinct().count(), modules(variants).size(), PackagedPtx.ARCH, PackagedPtx.ISA,
                MACHINES, out);
        System.out.printf("[kiln] CUDA: %s (summed), on %d parallel workers in %.1f s%n", runs.summary(), workers,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * The variants grouped into modules, in first-seen order: one per unit and dtype (the first
     * option word), except for the units in {@link #MODULE_PER_VARIANT}.
     */
    static List<List<KernelVariant>> modules(List<KernelVariant> variants) {
        Map<String, List<KernelVariant>> byKey = new LinkedHashMap<>();
        for (KernelVariant v : variants) {
            String key = MODULE_PER_VARIANT.contains(v.unit()) ? v.toString() : v.unit() + " " + v.optionWords()[0];
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
        }
        return List.copyOf(byKey.values());
    }

    /** Compiles and checks one module and writes it into {@code out}; returns the packaged file's name. */
    private static String compile(Path nvcc, Path ptxas, List<KernelVariant> module, Path out, Path work, ToolRuns runs) {
        try {
            String source = CudaModuleSource.of(module);
            String file = module.getFirst().unit() + "-" + sha256(source).substring(0, 12) + ".ptx";
            String unit = module.getFirst().unit();
            Files.writeString(out.resolve(file), checkedPtx(nvcc, ptxas, file.substring(0, file.length() - 4), source,
                    PackagedPtx.archOf(unit), machines(unit), work, runs));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The machines ptxas assembles {@code unit} for: {@link #MACHINES}, or for a CUDA-only unit its own capability and sm_90. */
    static List<String> machines(String unit) {
        Integer own = PackagedPtx.UNIT_CAPABILITY.get(unit);
        return own == null ? MACHINES : List.of("sm_" + own, MACHINES.getLast());
    }

    /**
     * nvcc of {@code source} to PTX for {@code arch}, lowered to {@link PackagedPtx#ISA}, then
     * ptxas of that for every machine; throws with the failing tool's output.
     */
    static String checkedPtx(Path nvcc, Path ptxas, String stem, String source, String arch, List<String> machines, Path work,
                             ToolRuns runs) throws IOException {
        String ptx = runs.time("nvcc", () -> PackagedPtx.withIsa(CudaToolchain.nvccPtx(nvcc, stem, source, arch, work), PackagedPtx.ISA));
        Path lowered = Files.writeString(work.resolve(stem + ".lowered.ptx"), ptx);
        for (String sm : machines) {
            runs.time("ptxas", () -> {
                CudaToolchain.ptxas(ptxas, lowered, sm);
                return null;
            });
        }
        return ptx;
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

    /** What the PTX depends on: the target, ISA and machines and the source of every module; unchanged means no rebuild. */
    static String inputsHash(List<KernelVariant> variants) {
        StringBuilder all = new StringBuilder(PackagedPtx.ARCH + "\n" + PackagedPtx.ISA + "\n" + MACHINES + "\n"
                + new java.util.TreeMap<>(PackagedPtx.UNIT_CAPABILITY) + "\n");
        for (List<KernelVariant> module : modules(variants)) {
            all.append(CudaModuleSource.of(module)).append('\n');
        }
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
