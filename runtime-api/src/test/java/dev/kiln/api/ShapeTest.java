package dev.kiln.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.errors.ShapeMismatchException;
import org.junit.jupiter.api.Test;

class ShapeTest {
    @Test
    void broadcastFollowsNumpyRules() {
        assertEquals(Shape.of(2, 3, 4), Shape.broadcast("add", Shape.of(3, 1), Shape.of(2, 1, 4)));
        assertEquals(Shape.of(5), Shape.broadcast("add", Shape.scalar(), Shape.of(5)));
        assertEquals(Shape.of(0, 3), Shape.broadcast("add", Shape.of(0, 1), Shape.of(3)));
    }

    @Test
    void broadcastMismatchNamesTheOpAndBothShapes() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Shape.broadcast("mul", Shape.of(2, 3), Shape.of(4)));
        assertEquals("mul: [2,3] x [4]: shapes cannot be broadcast: dimension 1 is 3 vs 4", e.getMessage());
    }

    @Test
    void negativeAxesCountFromTheEnd() {
        Shape s = Shape.of(2, 3, 4);
        assertEquals(4, s.dim(-1));
        assertEquals(2, s.dim(-3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.dim(3));
        assertEquals("axis 3 is out of range for shape [2,3,4] (rank 3)", e.getMessage());
    }

    @Test
    void tooManyElementsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Shape.of(65536, 65536).numel());
        // 2^64 elements: a product taken only at the end wraps to 0
        assertThrows(IllegalArgumentException.class, () -> Shape.of(65536, 65536, 65536, 65536).numel());
        assertEquals(0, Shape.of(65536, 65536, 65536, 65536, 0).numel());
    }
}
