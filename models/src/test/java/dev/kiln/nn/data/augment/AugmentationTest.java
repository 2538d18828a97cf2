package dev.kiln.nn.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.nn.data.RandomStream;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    /** A 3x4 image with distinct pixels 1..12. */
    private static float[] image() {
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    @Test
    void rotationByQuarterTurnOnASquareMatchesIndexRotation() {
        float[] x = new float[9];
        for (int i = 0; i < 9; i++) {
            x[i] = i + 1;
        }
        float[] r = x.clone();
        RandomRotation.rotate(r, 0, new ImageShape(1, 3, 3), Math.PI / 2);
        // out(y, x) = in(sy, sx) with sx = dy + c, sy = -dx + c: out(y, x) = in(2 - x, y)
        for (int y = 0; y < 3; y++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(x[(2 - c) * 3 + y], r[y * 3 + c], 1e-5, "pixel " + y + "," + c);
            }
        }
        float[] same = x.clone();
        RandomRotation.rotate(same, 0, new ImageShape(1, 3, 3), 0);
        assertArrayEquals(x, same, 1e-6f, "angle 0 is the identity");
    }

    @Test
    void shiftMovesPixelsAndFillsZeros() {
        float[] x = image();
        RandomShift.shift(x, 0, new ImageShape(1, 3, 4), 1, -1);
        assertArrayEquals(new float[] {0, 5, 6, 7, 0, 9, 10, 11, 0, 0, 0, 0}, x, 0f);
    }

    @Test
    void flipMirrorsEachRowWhenDrawn() {
        float[] x = image();
        new HorizontalFlip(1.0).apply(x, 0, new int[] {3, 4}, new RandomStream(1, 0, 0));
        assertArrayEquals(new float[] {4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9}, x, 0f);
        float[] kept = image();
        new HorizontalFlip(0.0).apply(kept, 0, new int[] {3, 4}, new RandomStream(1, 0, 0));
        assertArrayEquals(image(), kept, 0f);
    }

    @Test
    void drawsAreSeededAndImageShapesChecked() {
        float[] a = image();
        float[] b = image();
        Augmentation chain = new RandomShift(1, 1).andThen(new RandomRotation(15)).andThen(new GaussianNoise(0.1));
        chain.apply(a, 0, new int[] {1, 3, 4}, new RandomStream(5, 2, 3));
        chain.apply(b, 0, new int[] {1, 3, 4}, new RandomStream(5, 2, 3));
        assertArrayEquals(a, b, 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandomRotation(10).apply(image(), 0, new int[] {12}, new RandomStream(1, 0, 0)));
        assertEquals(true, e.getMessage().contains("[C, H, W]"), e.getMessage());
    }

    @Test
    void gaussianNoiseHasTheRequestedSpread() {
        float[] x = new float[20000];
        new GaussianNoise(0.5).apply(x, 0, new int[] {x.length}, new RandomStream(9, 0, 0));
        double mean = 0;
        double sq = 0;
        for (float v : x) {
            mean += v;
            sq += v * v;
        }
        mean /= x.length;
        double std = Math.sqrt(sq / x.length - mean * mean);
        assertEquals(0, mean, 0.02);
        assertEquals(0.5, std, 0.02);
    }
}
