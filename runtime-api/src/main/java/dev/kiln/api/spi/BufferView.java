package dev.kiln.api.spi;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;

/** What every kernel receives: a buffer and the layout (shape, strides, offset) to read or write it through. */
public record BufferView(DeviceBuffer buffer, Layout layout) {
    public DType dtype() {
        return buffer.dtype();
    }

    public Shape shape() {
        return layout.shape();
    }

    public int numel() {
        return layout.numel();
    }

    public boolean isContiguous() {
        return layout.isContiguous();
    }

    public static BufferView contiguous(DeviceBuffer buffer, Shape shape) {
        return new BufferView(buffer, Layout.contiguous(shape));
    }
}
