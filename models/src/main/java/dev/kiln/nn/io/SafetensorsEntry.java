package dev.kiln.nn.io;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;

/** One tensor listed in a safetensors header: its bytes are {@code [begin, end)} of the data section. */
public record SafetensorsEntry(String name, DType dtype, Shape shape, long begin, long end) {
    public long byteLength() {
        return end - begin;
    }
}
