package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        for (String file : new HashSet<>(PackagedPtx.index().values())) {
            assertEquals(PackagedPtx.ISA, PackagedPtx.isaOf(PackagedPtx.read(PackagedPtx.FOLDER + file)), "ISA of " + file);
        }
        PtxSignatureCheck.Result r = PtxSignatureCheck.check(CudaVariants.all(), v -> PackagedPtx.index().get(v),
                file -> PackagedPtx.read(PackagedPtx.FOLDER + file));
        List<String> problems = new ArrayList<>(r.problems());
        for (KernelSignature sig : CudaKernels.all()) {
            if (!r.checkedStems().contains(sig.stem())) {
                problems.add(sig.stem() + " (" + sig.unit() + ".cu) is declared but found in no packaged PTX");
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " kernel signature problem(s):\n" + String.join("\n", problems));
        }
        System.out.println("[cuda checks] " + r.comparisons() + " kernel entries of " + CudaVariants.all().size() + " variants in "
                + new HashSet<>(PackagedPtx.index().values()).size() + " PTX modules match the " + CudaKernels.all().size()
                + " declared signatures (parameter count and types); no undeclared entries");
        assertTrue(r.comparisons() > CudaKernels.all().size());
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
