package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks catch what they are for: the sparse unit's module, put through the packager's own
 * nvcc + ptxas path, passes the signature check as it is; with a syntax error nvcc fails the
 * build step; with its kernel renamed the signature check reports the missing and the undeclared
 * entry. Needs nvcc and ptxas (skipped with the reason like the other PTX checks).
 */
class BrokenSourcesFailChecksTest {
    private static final String UNIT = "sparse";

    @TempDir
    Path work;

    @Test
    void aBrokenUnitFailsTheBuildStepAndARenamedKernelFailsTheSignatureCheck() throws IOException {
        PtxSignatureTest.assumePackaged();
        List<KernelVariant> variants = CudaVariants.all().stream().filter(v -> v.unit().equals(UNIT)).toList();
        Function<String, String> sources = u -> CudaSources.load(u).text();

        assertEquals(List.of(), check(variants, compile(variants, sources, "intact")).problems(), "the intact unit passes");

        IOException broken = assertThrows(IOException.class,
                () -> compile(variants, u -> sources.apply(u) + "\nKERNEL void broken(GLOBAL int *x) { x[0] = ; }\n", "broken"));
        assertTrue(broken.getMessage().contains("nvcc of") && broken.getMessage().contains("error"), broken.getMessage());

        String renamed = compile(variants, u -> sources.apply(u).replace("KNAME(spmm_csr)", "KNAME(spmm_csr_renamed)"), "renamed");
        List<String> problems = check(variants, renamed).problems();
        KernelVariant f32 = variants.getFirst();
        String expected = "spmm_csr_f32_" + f32.tag();
        assertTrue(problems.stream().anyMatch(p -> p.contains("no .entry " + expected)), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.contains(".entry spmm_csr_renamed_f32_" + f32.tag() + " is not declared")),
                String.join("\n", problems));
        System.out.println("[cuda checks] a broken " + UNIT + ".cu fails nvcc in the build step: "
                + broken.getMessage().lines().filter(l -> l.contains("error")).findFirst().orElse("").strip()
                + "; a renamed kernel fails the signature check: " + problems.getFirst());
    }

    private String compile(List<KernelVariant> variants, Function<String, String> sources, String stem) throws IOException {
        return PtxPackager.checkedPtx(CudaToolchain.find("nvcc").orElseThrow(), CudaToolchain.find("ptxas").orElseThrow(), stem,
                CudaModuleSource.of(variants, sources), PackagedPtx.ARCH, PtxPackager.MACHINES, work, new ToolRuns());
    }

    private static PtxSignatureCheck.Result check(List<KernelVariant> variants, String ptx) {
        return PtxSignatureCheck.check(variants, v -> "module", m -> ptx);
    }
}
