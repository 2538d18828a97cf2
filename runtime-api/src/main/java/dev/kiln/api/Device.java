package dev.kiln.api;

/** A device names where buffers live: the backend type ({@code cpu}, {@code opencl}, {@code cuda}) and its index. */
public record Device(String type, int index) {
    @Override
    public String toString() {
        return type + ":" + index;
    }
}
