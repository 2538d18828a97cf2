package dev.kiln.cuda;

import dev.kiln.api.errors.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX built at package time by {@link PtxPackager} ({@code dev/kiln/cuda/ptx/}): one module per
 * {@link KernelVariant}, listed in {@code index.txt} as {@code file <TAB> unit <TAB> options}.
 * nvcc compiles for {@link #ARCH} and its {@code .version} line is lowered to {@link #ISA}, which
 * ptxas verifies, so any CUDA 12.0+ driver and any device of capability 7.5 or newer can load it.
 */
public final class PackagedPtx {
    public static final String FOLDER = "dev/kiln/cuda/ptx/";
    public static final String INDEX = FOLDER + "index.txt";
    /** The lowest virtual architecture nvcc 13 still compiles for (it dropped compute_50 to compute_72). */
    public static final String ARCH = "compute_75";
    public static final int MIN_CAPABILITY = 75;
    /** PTX ISA 8.0 is that of CUDA 12.0: every 12.x driver reads it. */
    public static final String ISA = "8.0";
    public static final int MIN_DRIVER = 12000;
    /**
     * CUDA-only units that use instructions older devices lack, with the capability they need: they
     * are compiled for that virtual architecture instead of {@link #ARCH}, and always loaded from
     * the packaged PTX (their host selection checks the device first).
     */
    public static final Map<String, Integer> UNIT_CAPABILITY = Map.of("matmul_tf32", 80);
    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+(\\d+\\.\\d+)\\s*$");
    private static volatile Map<KernelVariant, String> index;

    private PackagedPtx() {
    }

    /** The capability the packaged PTX of {@code unit} needs. */
    public static int minCapability(String unit) {
        return UNIT_CAPABILITY.getOrDefault(unit, MIN_CAPABILITY);
    }

    /** The virtual architecture {@code unit} is compiled for. */
    public static String archOf(String unit) {
        return "compute_" + minCapability(unit);
    }

    /** The packaged PTX of {@code variant}, or null when the build packaged none for it. */
    public static String find(KernelVariant variant) {
        String file = index().get(variant);
        return file == null ? null : read(FOLDER + file);
    }

    /** How many variants are packaged (0 when the jar was built without nvcc). */
    public static int count() {
        return index().size();
    }

    public static Map<KernelVariant, String> index() {
        Map<KernelVariant, String> i = index;
        if (i == null) {
            index = i = parse(PackagedPtx.class.getClassLoader().getResource(INDEX) == null ? "" : read(INDEX));
        }
        return i;
    }

    static Map<KernelVariant, String> parse(String text) {
        Map<KernelVariant, String> map = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 3) {
                throw new DeviceException(INDEX + ": malformed line '" + line + "' (expected file, unit, options)");
            }
            map.put(new KernelVariant(f[1], f[2]), f[0]);
        }
        return Map.copyOf(map);
    }

    /** The PTX ISA version a module declares ({@code .version}), or "unknown". */
    public static String isaOf(String ptx) {
        Matcher m = VERSION.matcher(ptx);
        return m.find() ? m.group(1) : "unknown";
    }

    /** {@code ptx} declaring ISA {@code isa} instead of what the compiler wrote. */
    public static String withIsa(String ptx, String isa) {
        Matcher m = VERSION.matcher(ptx);
        if (!m.find()) {
            throw new DeviceException("PTX without a .version line; cannot set its ISA to " + isa);
        }
        return m.replaceFirst(".version " + isa);
    }

    static String read(String resource) {
        try (InputStream in = PackagedPtx.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new DeviceException("packaged PTX " + resource + " is listed in " + INDEX + " but missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeviceException("cannot read packaged PTX " + resource, e);
        }
    }
}
