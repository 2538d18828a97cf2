package dev.kiln.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LayoutTest {

    /** Buffer positions of every element in row-major order, computed from the definition of strides. */
    private static int[] positions(Layout l) {
        int n = l.numel();
        int[] out = new int[n];
        int[] dims = l.shape().toArray();
        int[] st = l.strides();
        int[] idx = new int[dims.length];
        for (int f = 0; f < n; f++) {
            int pos = l.offset();
            for (int d = 0; d < dims.length; d++) {
                pos += idx[d] * st[d];
            }
            out[f] = pos;
            for (int d = dims.length - 1; d >= 0; d--) {
                if (++idx[d] < dims[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }

    @Test
    void contiguousStridesAreRowMajor() {
        Layout l = Layout.contiguous(Shape.of(2, 3, 4));
        assertArrayEquals(new int[] {12, 4, 1}, l.strides());
        assertTrue(l.isContiguous());
        assertArrayEquals(IntStream.range(0, 24).toArray(), positions(l));
    }

    @Test
    void transposeSwapsStridesAndIsNotContiguous() {
        Layout t = Layout.contiguous(Shape.of(2, 3)).transpose(0, 1);
        assertEquals(Shape.of(3, 2), t.shape());
        assertArrayEquals(new int[] {1, 3}, t.strides());
        assertFalse(t.isContiguous());
        assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, positions(t));
    }

    @Test
    void sliceWithStepMovesOffsetAndStride() {
        Layout s = Layout.contiguous(Shape.of(4, 5)).slice(1, 1, 5, 2);
        assertEquals(Shape.of(4, 2), s.shape());
        assertArrayEquals(new int[] {1, 3, 6, 8, 11, 13, 16, 18}, positions(s));
    }

    @Test
    void expandBroadcastsWithZeroStride() {
        Layout e = Layout.contiguous(Shape.of(3, 1)).expand(Shape.of(2, 3, 4));
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertThrows(IllegalArgumentException.class, () -> Layout.contiguous(Shape.of(3, 2)).expand(Shape.of(3, 4)));
    }

    @Test
    void squeezeAndUnsqueezeKeepPositions() {
        Layout l = Layout.contiguous(Shape.of(2, 3)).transpose(0, 1);
        Layout u = l.unsqueeze(1);
        assertEquals(Shape.of(3, 1, 2), u.shape());
        assertArrayEquals(positions(l), positions(u));
        assertArrayEquals(positions(l), positions(u.squeeze(1)));
        assertThrows(IllegalArgumentException.class, () -> l.squeeze(0));
    }

    @Test
    void reshapeOfTransposeNeedsACopy() {
        Layout t = Layout.contiguous(Shape.of(2, 3)).transpose(0, 1);
        assertTrue(t.reshape(Shape.of(6)).isEmpty());
        assertTrue(t.reshape(Shape.of(3, 2, 1)).isPresent());
    }

    @Test
    void reshapeRejectsAWrongElementCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Layout.contiguous(Shape.of(2, 3)).reshape(Shape.of(4, 2)));
        assertEquals("reshape: cannot view [2,3] (6 elements) as [4,2] (8 elements)", e.getMessage());
    }

    static Stream<Long> seeds() {
        return LongStream.rangeClosed(1, 300).boxed();
    }

    /**
     * Property: whenever reshape returns a view, it visits exactly the elements of the source in
     * row-major order; and it returns a view whenever the source's elements already lie in the
     * target's row-major order with a single stride per merged run (checked on contiguous sources).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void reshapeViewsVisitTheSameElementsInOrder(long seed) {
        Random r = new Random(seed);
        int rank = 1 + r.nextInt(4);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = 1 + r.nextInt(4);
        }
        Layout l = Layout.contiguous(Shape.of(dims));
        if (rank > 1 && r.nextBoolean()) {
            l = l.transpose(r.nextInt(rank), r.nextInt(rank));
        }
        if (r.nextBoolean()) {
            int axis = r.nextInt(rank);
            int d = l.shape().dim(axis);
            l = l.slice(axis, 0, d, 1 + r.nextInt(2));
        }
        int n = l.numel();
        List<Integer> divisors = new ArrayList<>();
        for (int d = 1; d <= n; d++) {
            if (n % d == 0) {
                divisors.add(d);
            }
        }
        int a = divisors.get(r.nextInt(divisors.size()));
        Shape target = r.nextBoolean() ? Shape.of(a, n / a) : Shape.of(n / a, 1, a);
        Optional<Layout> view = l.reshape(target);
        if (view.isPresent()) {
            assertEquals(target, view.get().shape());
            assertArrayEquals(positions(l), positions(view.get()), l + " -> " + target);
        } else {
            assertFalse(l.isContiguous(), "a contiguous layout can always be reshaped: " + l);
        }
    }
}
