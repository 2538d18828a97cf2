package dev.kiln.opencl;

import dev.kiln.api.errors.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kernel sources from the class path ({@code dev/kiln/kernels/*.cl}, which work from a jar), with
 * each {@code #include "name"} replaced by that resource so the OpenCL compiler needs no file system.
 */
final class KernelSources {
    static final String ROOT = "dev/kiln/kernels/";
    private static final Pattern INCLUDE = Pattern.compile("(?m)^\\s*#include\\s+\"([^\"]+)\"\\s*$");
    private static final Map<String, String> RESOLVED = new ConcurrentHashMap<>();

    private KernelSources() {
    }

    /** The full text of {@code file} (e.g. {@code elementwise.cl}) with its includes inlined. */
    static String load(String file) {
        return RESOLVED.computeIfAbsent(file, f -> resolve(f, new HashSet<>()));
    }

    private static String resolve(String file, Set<String> seen) {
        if (!seen.add(file)) {
            return ""; // each header is included once, like #pragma once
        }
        String text = read(file);
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(resolve(m.group(1), seen)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String read(String file) {
        try (InputStream in = KernelSources.class.getClassLoader().getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new DeviceException("kernel source " + ROOT + file + " is not on the class path;"
                        + " add the kiln kernels-cl module to the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeviceException("cannot read kernel source " + ROOT + file, e);
        }
    }
}
