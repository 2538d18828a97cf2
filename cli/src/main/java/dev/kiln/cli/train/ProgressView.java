package dev.kiln.cli.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training progress: on a terminal, a bar per epoch redrawn in place (loss, accuracy,
 * samples/s, ETA); without one (output redirected, or {@code CI=true}), a plain line at most every
 * {@link #PLAIN_INTERVAL_NANOS}. Both print a line per epoch with the validation results.
 */
public final class ProgressView implements TrainingListener {
    private static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    private static final int BAR_WIDTH = 28;

    private final PrintWriter out;
    private final boolean interactive;
    private final int epochs;
    private final int batchSize;
    private long lastPlainLine = System.nanoTime();

    public ProgressView(PrintWriter out, boolean interactive, int epochs, int batchSize) {
        this.out = out;
        this.interactive = interactive;
        this.epochs = epochs;
        this.batchSize = batchSize;
    }

    /** Whether progress can be drawn in place: a console, and not running under CI. */
    public static boolean terminal() {
        return System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public void batches(int epoch, int done, int total, PartialEpoch soFar, double samplesPerSecond) {
        double eta = (double) (total - done) * batchSize / samplesPerSecond;
        String stats = String.format(Locale.ROOT, "loss %.4f  acc %.2f%%  %,.0f samples/s  ETA %s", soFar.meanLoss(),
                100 * soFar.accuracy(), samplesPerSecond, dev.kiln.cli.Units.duration(done == total ? 0 : eta));
        if (interactive) {
            int filled = (int) Math.round((double) done / total * BAR_WIDTH);
            out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %3d%%  %s ", epoch + 1, epochs, "=".repeat(filled), " ".repeat(BAR_WIDTH - filled),
                    100 * done / total, stats);
            out.flush();
        } else if (System.nanoTime() - lastPlainLine >= PLAIN_INTERVAL_NANOS && done < total) {
            lastPlainLine = System.nanoTime();
            out.printf(Locale.ROOT, "epoch %d/%d  batch %d/%d  %s%n", epoch + 1, epochs, done, total, stats);
            out.flush();
        }
    }

    /** Ends a bar drawn in place, so that what follows (an error) starts on a line of its own. */
    public void stopped() {
        if (interactive) {
            out.println();
            out.flush();
        }
    }

    @Override
    public void epochEnd(EpochRecord r) {
        if (interactive) {
            out.print("\r\033[K");
        }
        out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.2f%%  |  validation loss %.4f acc %.2f%%  (%.1f s, %,.0f samples/s)%n",
                r.epoch(), epochs, r.loss(), 100 * r.accuracy(), r.valLoss(), 100 * r.valAccuracy(), r.seconds(), r.samplesPerSecond());
        out.flush();
        lastPlainLine = System.nanoTime();
    }
}
