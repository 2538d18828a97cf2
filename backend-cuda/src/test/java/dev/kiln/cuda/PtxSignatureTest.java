package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every kernel the Java side launches (CudaKernels) against the PTX the build packaged: the entry
 * exists in every variant of its unit, with the declared parameter count and PTX types, and no
 * PTX entry is left undeclared. Runs without a GPU; needs the PTX that nvcc made at build time.
 */
class PtxSignatureTest {
    @Test
    void packagedVariantsAreExactlyTheOnesTheHostAsksFor() {
        assumePackaged();
        assertEquals(new HashSet<>(CudaVariants.all()), PackagedPtx.index().keySet(),
                "the packaged index differs from CudaVariants.all(); rebuild (process-classes) to repackage");
        System.out.println("[cuda checks] packaged PTX index lists exactly the " + CudaVariants.all().size() + " variants the host code asks for");
    }

    @Test
    void everyLaunchedKernelMatchesItsPtxEntry() {
        assumePackaged();
        List<String> problems = new ArrayList<>();
        Set<String> checked = new HashSet<>();
        int comparisons = 0;
        for (KernelVariant v : CudaVariants.all()) {
            DType dtype = dtypeOf(v);
            String ptx = PackagedPtx.find(v);
            assertEquals(PackagedPtx.ISA, PackagedPtx.isaOf(ptx), "ISA of " + v);
            Map<String, List<String>> entries = PtxEntries.parse(ptx);
            Set<String> declared = new HashSet<>();
            for (KernelSignature sig : CudaKernels.all()) {
                if (!sig.unit().equals(v.unit()) || !builtIn(sig, v)) {
                    continue;
                }
                String name = sig.name(dtype);
                declared.add(name);
                List<String> actual = entries.get(name);
                if (actual == null) {
                    problems.add(v + ": no .entry " + name + " (entries: " + entries.keySet() + ")");
                    continue;
                }
                List<String> expected = PtxEntries.expected(sig, dtype);
                if (!expected.equals(actual)) {
                    problems.add(v + ": " + name + " is declared as " + expected + " (" + expected.size() + " params) but the PTX has "
                            + actual + " (" + actual.size() + " params)");
                }
                comparisons++;
                checked.add(sig.stem());
            }
            for (String entry : entries.keySet()) {
                if (!declared.contains(entry)) {
                    problems.add(v + ": .entry " + entry + " is not declared in CudaKernels (renamed or new kernel?)");
                }
            }
        }
        for (KernelSignature sig : CudaKernels.all()) {
            if (!checked.contains(sig.stem())) {
                problems.add(sig.stem() + " (" + sig.unit() + ".cu) is declared but found in no packaged PTX");
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " kernel signature problem(s):\n" + String.join("\n", problems));
        }
        System.out.println("[cuda checks] " + comparisons + " kernel entries in " + CudaVariants.all().size() + " PTX modules match the "
                + CudaKernels.all().size() + " declared signatures (parameter count and types); no undeclared entries");
        assertTrue(comparisons > CudaKernels.all().size());
    }

    /** cast exists only where the unit is compiled with a source type; every other kernel in every variant of its unit. */
    private static boolean builtIn(KernelSignature sig, KernelVariant v) {
        return sig != CudaKernels.CAST || v.options().contains("-DSRC_T=");
    }

    private static DType dtypeOf(KernelVariant v) {
        for (String word : v.optionWords()) {
            if (word.startsWith("-DKILN_") && !word.equals("-DKILN_FP64")) {
                return DType.valueOf(word.substring("-DKILN_".length()));
            }
        }
        throw new AssertionError(v + " names no dtype");
    }

    static void assumePackaged() {
        if (PackagedPtx.count() == 0) {
            String reason = CudaToolchain.find("nvcc").isEmpty()
                    ? "nvcc is not on the PATH, so the build packaged no PTX to check"
                    : "nvcc is on the PATH but no PTX is packaged: run the process-classes phase";
            System.out.println("[cuda checks] SKIPPED: " + reason);
            if (CudaToolchain.find("nvcc").isPresent()) {
                fail(reason);
            }
            Assumptions.abort(reason);
        }
    }
}
