package dev.kiln.cuda;

import dev.kiln.api.Layout;
import java.util.Arrays;

/**
 * Packs a layout into the kernels' {@code Strided} struct: MAX_RANK shape ints, MAX_RANK stride
 * ints, offset, rank. Dimensions that are row-major contiguous with each other are merged first,
 * which keeps the flat-position-to-index mapping and lets layouts of any rank fit when they can.
 */
final class StridedLayout {
    /** Must match MAX_RANK in prelude.h. */
    static final int MAX_RANK = 8;

    private StridedLayout() {
    }

    /** The layout with its true rank (no merging), for kernels that address one axis. */
    static int[] packExact(Layout layout) {
        int rank = layout.rank();
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("CUDA indexing kernels take views of at most " + MAX_RANK + " dimensions; "
                    + layout + " has " + rank);
        }
        int[] packed = new int[2 * MAX_RANK + 2];
        Arrays.fill(packed, 0, MAX_RANK, 1);
        for (int d = 0; d < rank; d++) {
            packed[d] = layout.shape().dim(d);
            packed[MAX_RANK + d] = layout.stride(d);
        }
        packed[2 * MAX_RANK] = layout.offset();
        packed[2 * MAX_RANK + 1] = rank;
        return packed;
    }

    static int[] pack(Layout layout) {
        int rank = layout.rank();
        int[] shape = new int[rank];
        int[] strides = new int[rank];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            int n = layout.shape().dim(d);
            int s = layout.stride(d);
            if (n == 1) {
                continue;
            }
            if (r > 0 && strides[r - 1] == s * n) {
                shape[r - 1] *= n;
                strides[r - 1] = s;
            } else {
                shape[r] = n;
                strides[r] = s;
                r++;
            }
        }
        if (r > MAX_RANK) {
            throw new IllegalArgumentException("CUDA kernels take views of at most " + MAX_RANK + " non-mergeable dimensions; "
                    + layout + " has " + r + "; make the tensor contiguous first");
        }
        int[] packed = new int[2 * MAX_RANK + 2];
        Arrays.fill(packed, 0, MAX_RANK, 1);
        System.arraycopy(shape, 0, packed, 0, r);
        System.arraycopy(strides, 0, packed, MAX_RANK, r);
        packed[2 * MAX_RANK] = layout.offset();
        packed[2 * MAX_RANK + 1] = r;
        return packed;
    }
}
