package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareOptimizersCommandTest {
    @TempDir
    Path tmp;

    @Test
    void drawsEveryOptimizersCurvesInOnePlot() throws Exception {
        Path data = SmallDigits.write(tmp.resolve("data"), 300, 100);
        Path out = tmp.resolve("cmp");
        KilnRun r = KilnRun.ok("compare-optimizers", "--data", data.toString(), "--optimizers", "sgd,adam", "--epochs", "2",
                "--batch-size", "32", "--backend", "cpu", "--out", out.toString());
        assertTrue(r.out().contains("sgd ") && r.out().contains("adam "), r.out());
        List<String> csv = Files.readAllLines(out.resolve("optimizers.csv"));
        assertEquals(1 + 2 * 2, csv.size(), String.join("\n", csv));
        assertEquals(2, csv.stream().filter(l -> l.startsWith("sgd,")).count());
        assertEquals(2, csv.stream().filter(l -> l.startsWith("adam,")).count());
        BufferedImage png = ImageIO.read(out.resolve("optimizers.png").toFile());
        assertTrue(png.getWidth() >= 400, "optimizers.png is " + png.getWidth() + " wide");
    }
}
