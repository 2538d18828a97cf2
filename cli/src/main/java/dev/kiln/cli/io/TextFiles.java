package dev.kiln.cli.io;

import dev.kiln.api.errors.KilnException;
import dev.kiln.api.json.Json;
import dev.kiln.nn.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Every output file of the command is written atomically: readers see the old file or the new one, never half. */
public final class TextFiles {
    private TextFiles() {
    }

    public static void write(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path file, byte[] bytes) {
        AtomicFiles.write(file, channel -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        });
    }

    public static void writePng(Path file, BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new KilnException("encoding " + file + " as PNG failed: " + e.getMessage(), e);
        }
        write(file, png.toByteArray());
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KilnException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static JsonFields readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KilnException(file + " does not exist");
        }
        return new JsonFields(Json.parseObject(read(file), file.toString()), file.toString());
    }
}
