package dev.kiln.api;

import java.util.ArrayList;

/**
 * Deterministic freeing: every tensor created on this thread while a scope is open belongs to the
 * innermost scope and is closed with it, unless {@link #keep kept} (moved to the enclosing scope,
 * or to the caller when there is none).
 * <pre>{@code
 * try (var scope = Scope.open()) {
 *     Tensor loss = model.forward(x).crossEntropy(y);
 *     loss.backward();
 *     optimizer.step();
 * } // every intermediate tensor's device memory is back in the cache here
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread owner = Thread.currentThread();
    private final ArrayList<Tensor> owned = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
    }

    public static Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    static Scope current() {
        return CURRENT.get();
    }

    void register(Tensor t) {
        owned.add(t);
    }

    /** Moves {@code t} out of this scope into the enclosing one (or to the caller); returns {@code t}. */
    public <T extends Tensor> T keep(T t) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            if (owned.get(i) == t) {
                owned.remove(i);
                if (parent != null) {
                    parent.register(t);
                }
                return t;
            }
        }
        throw new IllegalArgumentException("keep: the tensor " + t.shape() + " does not belong to this scope");
    }

    /** Removes {@code t} from whichever open scope of this thread owns it. */
    static void disown(Tensor t) {
        for (Scope s = CURRENT.get(); s != null; s = s.parent) {
            for (int i = s.owned.size() - 1; i >= 0; i--) {
                if (s.owned.get(i) == t) {
                    s.owned.remove(i);
                    return;
                }
            }
        }
    }

    /** Whether {@code t} is owned by this scope. */
    public boolean owns(Tensor t) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            if (owned.get(i) == t) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a Scope must be closed on the thread that opened it (" + owner.getName() + ")");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("scopes must close innermost first: an inner Scope is still open");
        }
        closed = true;
        CURRENT.set(parent);
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
