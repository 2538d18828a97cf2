package dev.kiln.api.spi;

/** The outcome of probing a backend: available, or not with a one-line reason a user can act on. */
public record Availability(boolean available, String reason) {
    public static Availability yes(String description) {
        return new Availability(true, description);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
