package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.predict.ImageInput;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageInputTest {
    @Test
    void shrinkingByTwoAveragesEachBlock() {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 40, 80, 120, 160, 200, 240, 255, 10, 20, 30, 40, 50, 60, 70, 80};
        for (int i = 0; i < 16; i++) {
            image.getRaster().setSample(i % 4, i / 4, 0, values[i]);
        }
        ImageInput in = ImageInput.of(image, 2, 2);
        // naive 2x2 block means of the bytes, divided by 255
        float[] expected = {(0 + 40 + 160 + 200) / 4f / 255, (80 + 120 + 240 + 255) / 4f / 255,
            (10 + 20 + 50 + 60) / 4f / 255, (30 + 40 + 70 + 80) / 4f / 255};
        assertArrayEquals(expected, in.pixels(), 1e-6f);
    }

    @Test
    void colourImagesBecomeLumaAndLightBackgroundsAreInverted() {
        BufferedImage image = new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, 0xFFFFFF);
            }
        }
        image.setRGB(1, 1, 0x336699);
        ImageInput in = ImageInput.of(image, 3, 3);
        assertTrue(in.inverted());
        assertEquals(0, in.pixels()[0], 1e-6);
        assertEquals(1 - (0.299 * 0x33 + 0.587 * 0x66 + 0.114 * 0x99) / 255, in.pixels()[4], 1e-6);
    }

    @Test
    void darkBackgroundsStayAsTheyAre() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, 255);
        ImageInput in = ImageInput.of(image, 2, 2);
        assertFalse(in.inverted());
        assertArrayEquals(new float[] {1, 0, 0, 0}, in.pixels(), 0f);
    }
}
