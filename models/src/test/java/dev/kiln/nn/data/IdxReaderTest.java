package dev.kiln.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bundled digits read through the IDX reader; malformed IDX files are refused in the reliability suite (it-tests). */
class IdxReaderTest {
    @Test
    void theBundledDigitsAreEightThousandLabelledImages() {
        ImageDataset d = ImageDataset.bundledDigits();
        assertEquals(8000, d.count());
        assertEquals(28, d.height());
        assertEquals(28, d.width());
        assertEquals(10, d.classes());
        int[] perClass = new int[10];
        for (int y : d.labels()) {
            perClass[y]++;
        }
        for (int c : perClass) {
            assertTrue(c >= 690 && c <= 900, "about 690-900 digits per class, got " + c);
        }
        float max = 0;
        for (float p : d.pixels()) {
            max = Math.max(max, p);
        }
        assertEquals(1f, max);
    }
}
