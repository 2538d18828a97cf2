package dev.kiln.opencl;

import dev.kiln.api.errors.KilnException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The GEMM tuning table, a class-path resource ({@code dev/kiln/opencl/gemm-tuning.txt}) of lines
 * {@code vendor | device name | TM TN TK WPTM WPTN VW [local|global]}, where {@code *} matches anything
 * and a device name ending in {@code *} matches every name with that prefix (PoCL names its CPU
 * devices {@code pthread-<cpu>-<model>}). The most specific line wins: an exact device name, then a
 * device prefix, then any device; within each, a named vendor before {@code *}.
 */
final class GemmTuningTable {
    static final String RESOURCE = "dev/kiln/opencl/gemm-tuning.txt";

    record Entry(String vendor, String device, GemmParams params) {
        /** -1 when the line does not fit the device, else higher for more specific lines. */
        int specificity(String vendorName, String deviceName) {
            boolean v = vendor.equals("*") || vendor.equals(vendorName);
            boolean exact = device.equals(deviceName);
            boolean prefix = device.endsWith("*") && deviceName.startsWith(device.substring(0, device.length() - 1));
            if (!v || !(exact || prefix)) {
                return -1;
            }
            int deviceScore = exact ? 4 : device.equals("*") ? 0 : 2;
            return (vendor.equals("*") ? 0 : 1) + deviceScore;
        }
    }

    private static volatile List<Entry> entries;

    private GemmTuningTable() {
    }

    /** The parameters of the most specific line that fits the device, or null when none fits (then the direct kernel runs). */
    static GemmParams lookup(OpenClDeviceProperties device, int elementBytes) {
        Entry best = null;
        int bestScore = -1;
        for (Entry e : entries()) {
            int s = e.specificity(device.vendor(), device.name());
            if (s > bestScore && e.params.fits(device.maxWorkGroupSize(), device.localMemoryBytes(), elementBytes)) {
                best = e;
                bestScore = s;
            }
        }
        return best == null ? null : best.params;
    }

    static List<Entry> entries() {
        List<Entry> e = entries;
        if (e == null) {
            entries = e = parse(read());
        }
        return e;
    }

    static List<Entry> parse(String text) {
        List<Entry> list = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\|");
            if (f.length != 3) {
                throw new KilnException(RESOURCE + " line " + lineNo + ": expected 'vendor | device | TM TN TK WPTM WPTN VW [local|global]', got '" + t + "'");
            }
            list.add(new Entry(f[0].strip(), f[1].strip(), GemmParams.parse(f[2])));
        }
        return List.copyOf(list);
    }

    private static String read() {
        try (InputStream in = GemmTuningTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new KilnException(RESOURCE + " is missing from the class path (it ships in the backend-opencl jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KilnException("cannot read " + RESOURCE, e);
        }
    }
}
