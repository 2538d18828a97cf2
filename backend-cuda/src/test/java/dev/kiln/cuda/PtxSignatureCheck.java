package dev.kiln.cuda;

import dev.kiln.api.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compares the kernels the Java side declares (CudaKernels) with the {@code .entry} signatures of
 * PTX modules: each variant's kernels must exist, named with the variant's tag, with the declared
 * parameter count and PTX types, and a module may hold no entry that no variant declares.
 */
final class PtxSignatureCheck {
    /** What was compared and what was wrong. */
    record Result(int comparisons, Set<String> checkedStems, List<String> problems) {
    }

    private PtxSignatureCheck() {
    }

    /** Checks {@code variants} against the PTX modules {@code moduleOf} names, read with {@code ptxOf}. */
    static Result check(List<KernelVariant> variants, Function<KernelVariant, String> moduleOf, Function<String, String> ptxOf) {
        List<String> problems = new ArrayList<>();
        Set<String> checked = new HashSet<>();
        Map<String, Set<String>> declaredPerModule = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> entriesPerModule = new LinkedHashMap<>();
        int comparisons = 0;
        for (KernelVariant v : variants) {
            String module = moduleOf.apply(v);
            Map<String, List<String>> entries = entriesPerModule.computeIfAbsent(module, m -> PtxEntries.parse(ptxOf.apply(m)));
            Set<String> declared = declaredPerModule.computeIfAbsent(module, m -> new HashSet<>());
            DType dtype = dtypeOf(v);
            for (KernelSignature sig : CudaKernels.all()) {
                if (!sig.unit().equals(v.unit()) || !builtIn(sig, v)) {
                    continue;
                }
                String name = sig.name(dtype) + "_" + v.tag();
                declared.add(name);
                List<String> actual = entries.get(name);
                if (actual == null) {
                    problems.add(v + ": no .entry " + name + " in " + module);
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
        }
        for (Map.Entry<String, Map<String, List<String>>> m : entriesPerModule.entrySet()) {
            for (String entry : m.getValue().keySet()) {
                if (!declaredPerModule.get(m.getKey()).contains(entry)) {
                    problems.add(m.getKey() + ": .entry " + entry + " is not declared in CudaKernels (renamed or new kernel?)");
                }
            }
        }
        return new Result(comparisons, checked, problems);
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
}
