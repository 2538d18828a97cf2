package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.json.Json;
import dev.kiln.nn.io.Safetensors;
import dev.kiln.nn.io.SafetensorsEntry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains the MLP once on a small IDX set, then checks every file train writes, and eval and predict on the result. */
class TrainEvalPredictTest {
    private static final int TRAIN = 600;
    private static final int TEST = 200;

    @TempDir
    static Path tmp;
    static Path data;
    static Path run;
    static KilnRun trained;

    @BeforeAll
    static void train() throws IOException {
        data = SmallDigits.write(tmp.resolve("data"), TRAIN, TEST);
        run = tmp.resolve("run");
        trained = KilnRun.ok("train", "--data", data.toString(), "--epochs", "2", "--batch-size", "32", "--backend", "cpu",
                "--seed", "7", "--out", run.toString());
    }

    @Test
    void trainWritesEveryFile() {
        for (String name : List.of("model.safetensors", "model.json", "history.json", "history.csv", "loss.png", "accuracy.png",
                "confusion.png", "report.md", "checkpoint/state.json")) {
            Path f = run.resolve(name);
            assertTrue(Files.isRegularFile(f) && f.toFile().length() > 0, name + " is missing or empty");
        }
        assertTrue(trained.out().contains("epoch 2/2"), trained.out());
        assertTrue(trained.out().contains("validation loss"), trained.out());
    }

    @Test
    void plotsAreRealImages() throws IOException {
        for (String name : List.of("loss.png", "accuracy.png", "confusion.png")) {
            BufferedImage image = ImageIO.read(run.resolve(name).toFile());
            assertTrue(image.getWidth() >= 400 && image.getHeight() >= 400, name + " is " + image.getWidth() + "x" + image.getHeight());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 3) {
                for (int x = 0; x < image.getWidth(); x += 3) {
                    colours.add(image.getRGB(x, y));
                }
            }
            assertTrue(colours.size() > 10, name + " has only " + colours.size() + " colours: not a drawn plot");
        }
    }

    @Test
    void historyHasOneEntryPerEpoch() {
        List<String> csv = lines(run.resolve("history.csv"));
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second", csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(csv.get(2).startsWith("2,"), csv.get(2));
        Map<String, Object> json = Json.parseObject(read(run.resolve("history.json")), "history.json");
        List<?> epochs = (List<?>) json.get("epochs");
        assertEquals(2, epochs.size());
        double valAccuracy = ((Number) ((Map<?, ?>) epochs.get(1)).get("val_accuracy")).doubleValue();
        assertTrue(valAccuracy > 0.5 && valAccuracy <= 1, "validation accuracy " + valAccuracy);
    }

    @Test
    void weightsUsePyTorchNamesAndLayouts() {
        // nn.Sequential(Flatten, Linear(784,128), ReLU, Dropout, Linear(128,128), ReLU, Dropout, Linear(128,10)).state_dict()
        Map<String, List<Integer>> expected = new LinkedHashMap<>();
        expected.put("1.weight", List.of(128, 784));
        expected.put("1.bias", List.of(128));
        expected.put("4.weight", List.of(128, 128));
        expected.put("4.bias", List.of(128));
        expected.put("7.weight", List.of(10, 128));
        expected.put("7.bias", List.of(10));
        Map<String, List<Integer>> actual = new LinkedHashMap<>();
        for (SafetensorsEntry e : Safetensors.readHeader(run.resolve("model.safetensors")).entries()) {
            actual.put(e.name(), java.util.Arrays.stream(e.shape().toArray()).boxed().toList());
            assertEquals("F32", e.dtype().name(), e.name());
        }
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), k));
        Map<String, Object> model = Json.parseObject(read(run.resolve("model.json")), "model.json");
        assertEquals("mlp", model.get("name"));
        assertEquals(8, ((List<?>) model.get("layers")).size());
    }

    @Test
    void reportHasMetricsAndDevice() {
        String report = read(run.resolve("report.md"));
        for (String part : List.of("Final validation accuracy", "precision", "recall", "F1", "Confusion matrix", "cpu", "per epoch",
                "Linear(784 -> 128)")) {
            assertTrue(report.toLowerCase().contains(part.toLowerCase()), "report.md lacks '" + part + "'");
        }
    }

    @Test
    void evalJsonCountsEveryTestImage() {
        KilnRun r = KilnRun.ok("eval", "--model-dir", run.toString(), "--images", data.resolve("t10k-images-idx3-ubyte").toString(),
                "--labels", data.resolve("t10k-labels-idx1-ubyte").toString(), "--backend", "cpu", "--json");
        Map<String, Object> json = Json.parseObject(r.out(), "eval --json output");
        assertEquals(TEST, ((Number) json.get("n")).intValue());
        List<?> confusion = (List<?>) json.get("confusion");
        assertEquals(10, confusion.size());
        int[] perLabel = new int[10];
        for (int i = TRAIN; i < TRAIN + TEST; i++) {
            perLabel[SmallDigits.label(i)]++;
        }
        long diagonal = 0;
        for (int a = 0; a < 10; a++) {
            List<?> row = (List<?>) confusion.get(a);
            long sum = 0;
            for (Object v : row) {
                sum += ((Number) v).longValue();
            }
            assertEquals(perLabel[a], sum, "row " + a + " must count the test images labelled " + a);
            diagonal += ((Number) row.get(a)).longValue();
        }
        assertEquals((double) diagonal / TEST, ((Number) json.get("accuracy")).doubleValue(), 1e-12);
        assertEquals(10, ((List<?>) json.get("per_class")).size());
    }

    @Test
    void evalTableAndPredictAgreeOnAnUpscaledInvertedImage() throws IOException {
        KilnRun table = KilnRun.ok("eval", "--model-dir", run.toString(), "--images", data.resolve("t10k-images-idx3-ubyte").toString(),
                "--labels", data.resolve("t10k-labels-idx1-ubyte").toString(), "--backend", "cpu");
        assertTrue(table.out().contains("accuracy") && table.out().contains("macro"), table.out());

        int example = TRAIN + 3;
        int[] px = SmallDigits.pixels(example);
        BufferedImage original = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage bigInverted = new BufferedImage(84, 84, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 84; y++) {
            for (int x = 0; x < 84; x++) {
                int v = px[(y / 3) * 28 + x / 3];
                original.getRaster().setSample(x / 3, y / 3, 0, v);
                int ink = 255 - v;
                bigInverted.setRGB(x, y, ink << 16 | ink << 8 | ink);
            }
        }
        Path small = tmp.resolve("digit.png");
        Path big = tmp.resolve("digit-big-dark-on-light.png");
        ImageIO.write(original, "png", small.toFile());
        ImageIO.write(bigInverted, "png", big.toFile());
        KilnRun r = KilnRun.ok("predict", "--model-dir", run.toString(), "--backend", "cpu", small.toString(), big.toString());
        Matcher m = Pattern.compile(": class (\\d) \\(p = ([0-9.]+)\\)(.*)\\n  probabilities((?: \\d:[0-9.]+)+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        String firstClass = m.group(1);
        String firstProbabilities = m.group(4);
        assertTrue(m.group(3).isBlank(), "the light-on-dark original must not be inverted: " + r.out());
        double sum = 0;
        for (String p : firstProbabilities.trim().split(" ")) {
            sum += Double.parseDouble(p.substring(2));
        }
        assertEquals(1.0, sum, 2e-3, "probabilities must sum to 1: " + firstProbabilities);
        assertTrue(m.find(), r.out());
        assertTrue(m.group(3).contains("inverted"), "the dark-on-light copy must be inverted: " + r.out());
        assertEquals(firstClass, m.group(1), "the 3x upscaled, inverted copy must give the same class");
        assertEquals(firstProbabilities, m.group(4), "area-averaging the 3x copy must recover the original pixels");
    }

    @Test
    void resumeRefusesChangedSettings() {
        KilnRun r = KilnRun.of("train", "--resume", run.toString(), "--lr", "0.5");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--lr cannot be given"), r.err());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> lines(Path p) {
        return read(p).lines().toList();
    }
}
