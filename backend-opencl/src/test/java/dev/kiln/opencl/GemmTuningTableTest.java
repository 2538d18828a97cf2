package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GemmTuningTableTest {
    private static OpenClDeviceProperties device(String vendor, String name, long maxGroup, long localBytes) {
        return new OpenClDeviceProperties(null, null, "p", name, vendor, "GPU", "OpenCL 1.2", "OpenCL C 1.2", "1",
                1L << 30, 1L << 28, localBytes, 8, maxGroup, true);
    }

    @Test
    void theMostSpecificFittingLineWins() {
        List<GemmTuningTable.Entry> table = GemmTuningTable.parse("""
                # comment
                * | * | 64 64 16 4 4 4
                Acme | * | 32 32 8 2 2 1
                Acme | Rocket 9 | 128 128 16 8 8 4
                """);
        assertEquals(3, table.size());
        assertEquals(1, table.get(1).specificity("Acme", "Other"));
        assertEquals(-1, table.get(2).specificity("Acme", "Other"));
        assertEquals(5, table.get(2).specificity("Acme", "Rocket 9"));
        assertEquals(0, table.get(0).specificity("Zeta", "Z"));
    }

    @Test
    void theShippedTableGivesTheDefaultOrNothingWhenNoLineFits() {
        assertEquals(null, GemmTuningTable.lookup(device("Nobody", "Tiny", 64, 4096), 4));
        GemmParams big = GemmTuningTable.lookup(device("Nobody", "Big", 1024, 65536), 4);
        assertEquals(GemmParams.parse("64 64 16 4 4 4"), big);
    }

    @Test
    void anExactDeviceNameBeatsAPrefixWhichBeatsAnyDevice() {
        List<GemmTuningTable.Entry> table = GemmTuningTable.parse("""
                * | * | 64 64 16 4 4 4
                * | pthread-* | 32 128 2 8 32 1 global
                AuthenticAMD | pthread-znver4-AMD EPYC | 24 64 1 6 16 1 global
                """);
        assertEquals(0, table.get(0).specificity("AuthenticAMD", "pthread-znver4-AMD EPYC"));
        assertEquals(2, table.get(1).specificity("AuthenticAMD", "pthread-znver4-AMD EPYC"));
        assertEquals(5, table.get(2).specificity("AuthenticAMD", "pthread-znver4-AMD EPYC"));
        assertEquals(-1, table.get(1).specificity("NVIDIA Corporation", "NVIDIA H100"));
        assertEquals(-1, table.get(2).specificity("AuthenticAMD", "pthread-znver3-AMD EPYC"));
    }

    @Test
    void theShippedTableGivesEveryPoclCpuDeviceGlobalStaging() {
        GemmParams p = GemmTuningTable.lookup(device("AuthenticAMD", "pthread-znver4-AMD Ryzen 9", 4096, 4 << 20), 4);
        assertEquals(GemmParams.Staging.GLOBAL, p.staging());
        assertEquals(0, p.localBytes(4));
    }

    @Test
    void stagingParsesAndPrintsBackAndGlobalStagingNeedsUnitVectorWidth() {
        assertEquals(GemmParams.Staging.LOCAL, GemmParams.parse("64 64 16 4 4 4").staging());
        GemmParams g = GemmParams.parse("32 128 2 8 32 1 global");
        assertEquals(GemmParams.Staging.GLOBAL, g.staging());
        assertEquals(g, GemmParams.parse(g.toString()));
        assertEquals(16, g.threads());
        assertThrows(IllegalArgumentException.class, () -> GemmParams.parse("32 128 2 8 32 4 global"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmParams.parse("32 128 2 8 32 1 shared"));
        assertTrue(e.getMessage().contains("'local' or 'global'"), e.getMessage());
    }

    @Test
    void inconsistentParametersAreRejectedWithTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmParams.parse("64 64 16 3 4 4"));
        assertEquals(true, e.getMessage().contains("WPTM must divide TM"), e.getMessage());
    }
}
