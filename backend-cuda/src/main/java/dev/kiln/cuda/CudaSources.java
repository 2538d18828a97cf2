package dev.kiln.cuda;

import dev.kiln.api.errors.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CUDA units ({@code dev/kiln/cuda/units/*.cu}) with every {@code #include "name"} replaced by
 * the class-path resource it names: a CUDA-only header next to the units if there is one, else
 * the portable kernel source of kernels-cl ({@code dev/kiln/kernels/}), the very file the OpenCL
 * backend builds. The flattened text goes to NVRTC and nvcc alike; where each include came from is
 * kept so the build checks can prove the bodies are not copies.
 */
public final class CudaSources {
    public static final String UNITS = "dev/kiln/cuda/units/";
    public static final String KERNELS = "dev/kiln/kernels/";
    private static final Pattern INCLUDE = Pattern.compile("(?m)^\\s*#include\\s+\"([^\"]+)\"\\s*$");
    private static final Map<String, Unit> LOADED = new ConcurrentHashMap<>();

    /** A unit's flattened text and the resource each include resolved to, in include order. */
    public record Unit(String name, String text, Map<String, URL> includes) {
    }

    private CudaSources() {
    }

    public static Unit load(String unit) {
        return LOADED.computeIfAbsent(unit, u -> {
            Map<String, URL> includes = new LinkedHashMap<>();
            String text = resolve(UNITS + u + ".cu", read(UNITS + u + ".cu"), new HashSet<>(), includes);
            return new Unit(u, text, Collections.unmodifiableMap(includes));
        });
    }

    private static String resolve(String path, String text, Set<String> seen, Map<String, URL> includes) {
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String included = "";
            if (seen.add(name)) { // each header once, like #pragma once
                String resource = locate(name, path);
                includes.put(name, url(resource));
                included = resolve(resource, read(resource), seen, includes);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(included));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String locate(String name, String includer) {
        if (url(UNITS + name) != null) {
            return UNITS + name;
        }
        if (url(KERNELS + name) != null) {
            return KERNELS + name;
        }
        throw new DeviceException("#include \"" + name + "\" in " + includer + " is neither " + UNITS + name + " nor "
                + KERNELS + name + " on the class path; add the kiln kernels-cl module to the class path");
    }

    private static URL url(String resource) {
        return CudaSources.class.getClassLoader().getResource(resource);
    }

    private static String read(String resource) {
        try (InputStream in = CudaSources.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new DeviceException("CUDA source " + resource + " is not on the class path (it ships in the backend-cuda jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeviceException("cannot read CUDA source " + resource, e);
        }
    }
}
