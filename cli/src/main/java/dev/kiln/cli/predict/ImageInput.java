package dev.kiln.cli.predict;

import dev.kiln.api.errors.KilnException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * An image file as a model input: grayscale in [0, 1] (luma of the stored sRGB values,
 * transparency over white paper), resized to {@code height x width} by area averaging and, when the
 * border is mostly light, inverted to light-on-dark like MNIST. Pixel values are read from the
 * raster, not through {@code getRGB}, which would pass gray images through a gamma conversion.
 */
public record ImageInput(float[] pixels, boolean inverted) {
    public static ImageInput read(Path file, int height, int width) {
        BufferedImage source;
        try {
            if (!Files.isRegularFile(file)) {
                throw new KilnException(file + " does not exist");
            }
            source = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new KilnException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (source == null) {
            throw new KilnException(file + " is not an image Java can read (PNG, JPEG, GIF and BMP are supported)");
        }
        return of(source, height, width);
    }

    public static ImageInput of(BufferedImage source, int height, int width) {
        float[] gray = gray(source);
        float[] resized = AreaResize.resize(gray, source.getHeight(), source.getWidth(), height, width);
        boolean invert = borderMean(resized, height, width) > 0.5;
        if (invert) {
            for (int i = 0; i < resized.length; i++) {
                resized[i] = 1 - resized[i];
            }
        }
        return new ImageInput(resized, invert);
    }

    private static float[] gray(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        float[] out = new float[h * w];
        Raster raster = image.getRaster();
        var model = image.getColorModel();
        int bands = raster.getNumBands();
        boolean indexed = model instanceof java.awt.image.IndexColorModel;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v;
                float alpha = 1;
                if (!indexed && (bands == 1 || bands == 2)) {
                    v = raster.getSample(x, y, 0) / (float) ((1 << model.getComponentSize(0)) - 1);
                    if (bands == 2) {
                        alpha = raster.getSample(x, y, 1) / (float) ((1 << model.getComponentSize(1)) - 1);
                    }
                } else {
                    Object pixel = raster.getDataElements(x, y, null);
                    v = (0.299f * model.getRed(pixel) + 0.587f * model.getGreen(pixel) + 0.114f * model.getBlue(pixel)) / 255f;
                    alpha = model.hasAlpha() ? model.getAlpha(pixel) / 255f : 1;
                }
                out[y * w + x] = alpha * v + (1 - alpha);
            }
        }
        return out;
    }

    private static double borderMean(float[] p, int h, int w) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y == 0 || x == 0 || y == h - 1 || x == w - 1) {
                    sum += p[y * w + x];
                    n++;
                }
            }
        }
        return sum / n;
    }
}
