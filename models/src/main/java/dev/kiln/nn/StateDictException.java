package dev.kiln.nn;

import dev.kiln.api.errors.KilnException;
import java.util.List;

/** A state dict that does not fit a module: lists every missing, unexpected and mis-shaped entry at once. */
public class StateDictException extends KilnException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misShaped;

    public StateDictException(String module, List<String> missing, List<String> unexpected, List<String> misShaped) {
        super("loadStateDict into " + module + ": " + describe(missing, unexpected, misShaped)
                + "; the names follow the module tree (print model.summary() to see them)");
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misShaped = List.copyOf(misShaped);
    }

    private static String describe(List<String> missing, List<String> unexpected, List<String> misShaped) {
        StringBuilder sb = new StringBuilder();
        if (!missing.isEmpty()) {
            sb.append("missing ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : "; ").append("unexpected ").append(unexpected);
        }
        if (!misShaped.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : "; ").append("wrong shape ").append(misShaped);
        }
        return sb.toString();
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> misShaped() {
        return misShaped;
    }
}
