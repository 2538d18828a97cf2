package dev.kiln.cuda;

import dev.kiln.api.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The head-size capacities attention.cu is built for. attention.cl keeps a query's row in
 * registers sized by compile-time capacities (HEAD_DIM, VALUE_DIM) and takes the real head sizes
 * as arguments, zeroing the lanes past them; so a short ladder of capacities serves every head
 * size: powers of two from 16, then the largest capacity whose shared tiles still fit one key row
 * into the local-memory budget. d and dv share one capacity, the rung at or above the larger.
 */
final class AttentionCapacity {
    private static final int SMALLEST = 16;
    private static final int MAX_BLOCK = 32;

    private AttentionCapacity() {
    }

    /** The capacity and block of one build of attention.cu. */
    record Rung(int capacity, int block) {
        String options() {
            return "-DHEAD_DIM=" + capacity + " -DVALUE_DIM=" + capacity + " -DBLOCK=" + block;
        }
    }

    /** Every rung for {@code dtype} under these limits, smallest first. */
    static List<Rung> ladder(DType dtype, long budget, long maxGroup) {
        List<Rung> out = new ArrayList<>();
        int top = largest(dtype, budget);
        for (int c = SMALLEST; c < top; c *= 2) {
            out.add(new Rung(c, block(dtype, c, c, budget, maxGroup)));
        }
        if (top > 0 && block(dtype, top, top, budget, maxGroup) > 0) {
            out.add(new Rung(top, block(dtype, top, top, budget, maxGroup)));
        }
        return out;
    }

    /** The smallest rung holding head sizes d and dv, or null when not even the largest one does. */
    static Rung of(DType dtype, int d, int dv, long budget, long maxGroup) {
        int need = Math.max(d, dv);
        for (Rung r : ladder(dtype, budget, maxGroup)) {
            if (r.capacity >= need) {
                return r;
            }
        }
        return null;
    }

    /** The largest power-of-two block up to 32 whose tiles for capacities d, dv fit, or 0 when none does. */
    static int block(DType dtype, int d, int dv, long budget, long maxGroup) {
        for (int block = MAX_BLOCK; block >= 1; block /= 2) {
            long tiles = (long) block * (d + dv + 2) * dtype.byteSize() + (long) block * Integer.BYTES;
            if (tiles <= budget && block <= maxGroup) {
                return block;
            }
        }
        return 0;
    }

    /** The largest capacity c whose tiles (d = dv = c) fit one key row: (2c + 2) * bytes + 4 <= budget. */
    private static int largest(DType dtype, long budget) {
        return (int) Math.max(0, ((budget - Integer.BYTES) / dtype.byteSize() - 2) / 2);
    }
}
