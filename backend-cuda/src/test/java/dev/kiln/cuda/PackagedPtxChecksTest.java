package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The build step (PtxPackager) is where every unit variant goes through nvcc and ptxas, once per
 * build; a failing compile fails the build before the tests. This test proves that what was
 * packaged is that build's output for the current sources: the inputs stamp matches the sources on
 * the class path now, every unit has packaged variants, and each packaged module's bytes are the
 * ones the build recorded as assembled by ptxas for sm_75 and sm_90. No GPU is needed or used.
 */
class PackagedPtxChecksTest {
    @Test
    void everyVariantWasCompiledFromTheCurrentSourcesAndAssembledForSm75AndSm90() throws Exception {
        PtxSignatureTest.assumePackaged();
        String stamp = resource(PackagedPtx.FOLDER + PtxPackager.STAMP);
        assertEquals(PtxPackager.inputsHash(CudaVariants.all()), stamp,
                "the packaged PTX was built from other sources or variants than those on the class path; rebuild (process-classes)");
        Map<String, String[]> checks = new HashMap<>();
        for (String line : resource(PackagedPtx.FOLDER + PtxPackager.CHECKS).split("\n")) {
            String[] f = line.split("\t");
            checks.put(f[0], f);
        }
        Map<String, Integer> perUnit = new TreeMap<>();
        for (Map.Entry<KernelVariant, String> e : PackagedPtx.index().entrySet()) {
            String[] check = checks.get(e.getValue());
            assertNotNull(check, e.getKey() + ": " + e.getValue() + " has no ptxas record in " + PtxPackager.CHECKS);
            assertEquals(sha256(PackagedPtx.find(e.getKey())), check[1], e.getValue() + " differs from the module ptxas assembled");
            assertEquals(String.join(",", PtxPackager.machines(e.getKey().unit())), check[2], e.getValue() + " was not assembled for every machine");
            perUnit.merge(e.getKey().unit(), 1, Integer::sum);
        }
        TreeSet<String> units = new TreeSet<>(CudaSourcesTest.UNITS);
        units.addAll(CudaSourcesTest.FAST_PATH_UNITS);
        assertEquals(units, perUnit.keySet(), "every unit has packaged variants");
        List<String> machines = PtxPackager.MACHINES;
        System.out.println("[cuda checks] the build compiled " + PackagedPtx.count() + " variants of " + perUnit.size()
                + " units with nvcc (" + PackagedPtx.ARCH + ", ISA lowered to " + PackagedPtx.ISA + ") and ptxas assembled each for "
                + machines + " (" + PackagedPtx.UNIT_CAPABILITY + ": " + PtxPackager.machines("matmul_tf32") + "), from the current sources (inputs " + stamp.substring(0, 12) + "); variants per unit: " + perUnit);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PackagedPtxChecksTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name + " is not on the class path; rebuild (process-classes)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
