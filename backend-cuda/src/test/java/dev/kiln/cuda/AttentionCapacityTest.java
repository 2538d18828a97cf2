package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every head size whose key row fits the shared memory of a capability 7.5+ device (48 KiB, of
 * which attention takes at most 32 KiB, and 1024 threads per block) maps to an attention build
 * that the packaged PTX holds, with room for both head sizes and tiles that fit; so attention
 * needs no NVRTC for any head size. The fit is recomputed here from the tile layout of attention.cl.
 */
class AttentionCapacityTest {
    private static final long BUDGET = 32 * 1024;
    private static final long THREADS = 1024;

    @Test
    void everyHeadSizeThatFitsHasAPackagedBuild() {
        Set<KernelVariant> packaged = new HashSet<>(CudaVariants.all());
        int checked = 0;
        for (DType t : List.of(DType.F32, DType.F64)) {
            int largest = 0;
            for (int d = 1; fits(t, d, d, 1); d++) {
                largest = d;
                for (int dv : new int[]{1, d / 2 + 1, d}) {
                    AttentionCapacity.Rung r = AttentionCapacity.of(t, d, dv, BUDGET, THREADS);
                    assertNotNull(r, t + " d=" + d + " dv=" + dv + " has no capacity");
                    assertTrue(r.capacity() >= Math.max(d, dv), t + " d=" + d + " dv=" + dv + " -> " + r);
                    assertTrue(r.block() >= 1 && fits(t, r.capacity(), r.capacity(), r.block()), t + " tiles do not fit: " + r);
                    assertTrue(packaged.contains(KernelVariant.of("attention", t, r.options())), t + " " + r + " is not packaged");
                    checked++;
                }
            }
            assertEquals(t == DType.F32 ? 4094 : 2046, largest, "largest head size whose key row fits, " + t);
            assertNull(AttentionCapacity.of(t, largest + 1, largest + 1, BUDGET, THREADS), "no key row of " + (largest + 1) + " fits");
        }
        System.out.println("[cuda checks] attention: " + checked + " (dtype, d, dv) cases up to the shared-memory limit all map to packaged PTX");
    }

    @Test
    void smallHeadsUseTheSmallestPowerOfTwoThatHoldsThem() {
        assertEquals(new AttentionCapacity.Rung(16, 32), AttentionCapacity.of(DType.F32, 5, 7, BUDGET, THREADS));
        assertEquals(new AttentionCapacity.Rung(64, 32), AttentionCapacity.of(DType.F32, 33, 64, BUDGET, THREADS));
        // 128 f32: (128 + 128 + 2) * 4 + 4 = 1036 bytes a row, 16 rows fit 32 KiB, 32 do not
        assertEquals(new AttentionCapacity.Rung(128, 16), AttentionCapacity.of(DType.F32, 100, 128, BUDGET, THREADS));
        assertEquals(new AttentionCapacity.Rung(256, 8), AttentionCapacity.of(DType.F32, 129, 3, BUDGET, THREADS));
    }

    /** attention.cl's tiles for capacities d, dv: block rows of (d + dv) elements, two REAL/int per row, and an int flag. */
    private static boolean fits(DType t, int d, int dv, int block) {
        return (long) block * (d + dv + 2) * t.byteSize() + (long) block * Integer.BYTES <= BUDGET;
    }
}
