package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every CUDA unit compiles with nvcc to PTX from the current sources and assembles with ptxas for
 * sm_75 (Turing) and sm_90 (Hopper); the packaged variants were assembled for both by the build
 * step (PtxPackager) before they were packaged. No GPU is needed or used: this proves the code
 * compiles, not that it runs.
 */
class CudaUnitsCompileTest {
    private static final List<String> MACHINES = PtxPackager.MACHINES;

    @TempDir
    Path work;

    @Test
    void everyUnitCompilesWithNvccAndAssemblesForSm75AndSm90() throws Exception {
        Optional<Path> nvcc = CudaToolchain.find("nvcc");
        Optional<Path> ptxas = CudaToolchain.find("ptxas");
        if (nvcc.isEmpty() || ptxas.isEmpty()) {
            String reason = (nvcc.isEmpty() ? "nvcc" : "ptxas") + " is not on the PATH";
            System.out.println("[cuda checks] SKIPPED unit compilation: " + reason);
            Assumptions.abort(reason);
        }
        // one fresh nvcc compile per unit (its first variant), so a broken source fails here whatever was packaged
        Map<String, KernelVariant> firstPerUnit = new LinkedHashMap<>();
        for (KernelVariant v : CudaVariants.all()) {
            firstPerUnit.putIfAbsent(v.unit(), v);
        }
        List<Path> modules = new ArrayList<>();
        for (KernelVariant v : firstPerUnit.values()) {
            String ptx = PackagedPtx.withIsa(CudaToolchain.nvccPtx(nvcc.get(), v, PackagedPtx.ARCH, work), PackagedPtx.ISA);
            modules.add(write("fresh-" + v.unit() + ".ptx", ptx));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (Path m : modules) {
                for (String sm : MACHINES) {
                    runs.add(pool.submit(() -> {
                        CudaToolchain.ptxas(ptxas.get(), m, sm);
                        return null;
                    }));
                }
            }
            for (Future<?> r : runs) {
                r.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(CudaSourcesTest.UNITS.size(), firstPerUnit.size(), "every unit has a variant");
        System.out.println("[cuda checks] nvcc compiled all " + firstPerUnit.size() + " units " + firstPerUnit.keySet() + " to PTX ("
                + PackagedPtx.ARCH + ", ISA lowered to " + PackagedPtx.ISA + "); ptxas assembled " + modules.size()
                + " of them for " + MACHINES + "; the build step assembled the " + PackagedPtx.count() + " packaged modules for both");
    }

    private Path write(String name, String ptx) throws IOException {
        return Files.writeString(work.resolve(name), ptx);
    }
}
