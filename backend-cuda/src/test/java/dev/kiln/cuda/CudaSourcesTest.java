package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The CUDA units hold no kernel bodies of their own: each includes the very kernels-cl files the
 * OpenCL backend builds. The CUDA-only fast paths are their own units, beside the portable ones.
 */
class CudaSourcesTest {
    static final List<String> UNITS = List.of("attention", "conv", "copy", "dropout", "elementwise", "indexing", "matmul",
            "norm", "optimizer", "pool", "random", "reduce", "softmax", "sparse", "tanh_backward");
    static final List<String> FAST_PATH_UNITS = List.of("matmul_tf32");

    @Test
    void everyIncludeResolvesToTheKernelsClResource() {
        TreeSet<String> bodies = new TreeSet<>();
        for (String unit : UNITS) {
            CudaSources.Unit u = CudaSources.load(unit);
            Map<String, URL> includes = u.includes();
            assertTrue(includes.containsKey("prelude.h"), unit + ".cu includes prelude.h");
            assertTrue(includes.containsKey(unit + ".cl"), unit + ".cu includes the portable body " + unit + ".cl");
            for (Map.Entry<String, URL> e : includes.entrySet()) {
                URL kernels = getClass().getClassLoader().getResource(CudaSources.KERNELS + e.getKey());
                assertNotNull(kernels, e.getKey() + " is a kernels-cl resource");
                assertEquals(kernels, e.getValue(), unit + ".cu: " + e.getKey() + " resolves to the resource the OpenCL backend loads");
                assertTrue(kernels.toString().contains("kernels-cl"), e.getKey() + " comes from the kernels-cl module: " + kernels);
                assertNull(getClass().getClassLoader().getResource(CudaSources.UNITS + e.getKey()),
                        "backend-cuda must not carry its own copy of " + e.getKey());
                bodies.add(e.getKey());
            }
            assertFalse(u.text().contains("#include"), unit + ".cu is fully flattened");
            assertTrue(u.text().contains("KNAME("), unit + ".cu contains the included kernels");
        }
        System.out.println("[cuda checks] " + UNITS.size() + " CUDA units include only kernels-cl resources " + bodies
                + ", resolved from " + getClass().getClassLoader().getResource(CudaSources.KERNELS + "prelude.h"));
    }

    @Test
    void eachDeclaredKernelBelongsToAUnit() {
        for (KernelSignature sig : CudaKernels.all()) {
            assertTrue(UNITS.contains(sig.unit()) || FAST_PATH_UNITS.contains(sig.unit()), sig.stem() + " names unit " + sig.unit());
        }
    }
}
