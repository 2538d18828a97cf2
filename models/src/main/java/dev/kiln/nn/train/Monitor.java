package dev.kiln.nn.train;

/** A value of {@link EpochResult} to watch and whether lower ({@code MIN}, e.g. losses) or higher ({@code MAX}) is better. */
public record Monitor(String key, Direction direction) {
    public enum Direction {
        MIN, MAX
    }

    public static Monitor min(String key) {
        return new Monitor(key, Direction.MIN);
    }

    public static Monitor max(String key) {
        return new Monitor(key, Direction.MAX);
    }

    /** Whether {@code value} beats {@code best} by more than {@code minDelta}. */
    public boolean improves(double value, double best, double minDelta) {
        if (Double.isNaN(best)) {
            return !Double.isNaN(value);
        }
        return direction == Direction.MIN ? value < best - minDelta : value > best + minDelta;
    }
}
