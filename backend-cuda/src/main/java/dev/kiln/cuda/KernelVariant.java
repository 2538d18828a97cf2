package dev.kiln.cuda;

import dev.kiln.api.DType;

/**
 * One compilation of a CUDA unit: the unit ({@code elementwise}, ...) and its full {@code -D}
 * options, dtype first. The same options go to NVRTC at run time and to nvcc at build time, so a
 * variant names one PTX module wherever it is made.
 */
public record KernelVariant(String unit, String options) {
    /** The variant of {@code unit} for element type {@code dtype} with {@code extra} options (-D words). */
    public static KernelVariant of(String unit, DType dtype, String extra) {
        // every CUDA device has double precision, so ACC is always double (-DKILN_FP64)
        StringBuilder sb = new StringBuilder("-DKILN_").append(dtype.name()).append(" -DKILN_FP64");
        if (!extra.isBlank()) {
            sb.append(' ').append(extra.trim().replaceAll("\\s+", " "));
        }
        return new KernelVariant(unit, sb.toString());
    }

    /** The options as separate words, as nvcc and NVRTC take them. */
    public String[] optionWords() {
        return options.split(" ");
    }

    @Override
    public String toString() {
        return unit + ".cu [" + options + "]";
    }
}
