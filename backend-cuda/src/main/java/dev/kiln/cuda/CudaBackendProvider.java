package dev.kiln.cuda;

import dev.kiln.api.errors.BackendUnavailableException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.DeviceInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;

/**
 * The CUDA backend ({@code cuda}, priority 300). Nothing native is touched until {@link #probe()},
 * which loads JCuda's driver binding (and with it the system's libcuda.so.1) once and remembers
 * the answer: available with the devices found, or not with one line saying what is missing.
 */
public final class CudaBackendProvider implements BackendProvider {
    private volatile Availability availability;
    private volatile List<CudaDeviceProperties> found = List.of();
    private CudaBackend[] opened;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return 300;
    }

    @Override
    public Availability probe() {
        Availability a = availability;
        if (a == null) {
            synchronized (this) {
                if (availability == null) {
                    availability = discover();
                }
                a = availability;
            }
        }
        return a;
    }

    private Availability discover() {
        try {
            List<CudaDeviceProperties> devices = CudaDiscovery.devices();
            found = devices;
            opened = new CudaBackend[devices.size()];
            CudaDeviceProperties first = devices.get(0);
            return Availability.yes(devices.size() + " CUDA device(s); first: " + first + "; kernels from "
                    + (CudaNvrtc.available() ? CudaNvrtc.status() : PackagedPtx.count() + " packaged PTX modules (" + CudaNvrtc.status() + ")"));
        } catch (CudaDiscovery.NothingFound e) {
            return Availability.no(e.getMessage());
        } catch (LinkageError e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("libcuda.so")) {
                return Availability.no("no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver to use CUDA");
            }
            return Availability.no("the JCuda driver binding could not be loaded (" + e.getClass().getSimpleName() + ": "
                    + firstLine(message) + "); JCuda 12.6 ships natives for Linux, Windows and macOS on x86-64 only");
        } catch (CudaException e) {
            return Availability.no("CUDA device discovery failed: " + e.getMessage());
        } catch (RuntimeException e) {
            return Availability.no("CUDA device discovery failed: " + e.getMessage());
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    @Override
    public List<DeviceInfo> devices() {
        if (!probe().available()) {
            return List.of();
        }
        List<DeviceInfo> infos = new ArrayList<>();
        for (CudaDeviceProperties d : found) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("computeCapability", d.capabilityText());
            details.put("driverVersion", CudaDeviceProperties.driverText(d.driverVersion()));
            details.put("maxThreadsPerBlock", Integer.toString(d.maxThreadsPerBlock()));
            details.put("sharedMemoryPerBlock", Integer.toString(d.sharedMemoryPerBlock()));
            details.put("fastPaths", CudaFastPaths.of(d).describe());
            details.put("kernels", CudaNvrtc.available() ? CudaNvrtc.status() : "packaged PTX (" + PackagedPtx.ARCH + ", ISA "
                    + PackagedPtx.ISA + "); " + CudaNvrtc.status());
            infos.add(new DeviceInfo(d.ordinal(), d.name(), "GPU", d.globalMemoryBytes(), d.multiprocessors(),
                    Collections.unmodifiableMap(details)));
        }
        return List.copyOf(infos);
    }

    @Override
    public synchronized Backend open(int index) {
        Availability a = probe();
        if (!a.available()) {
            throw new BackendUnavailableException("cuda", a.reason());
        }
        if (index < 0 || index >= opened.length) {
            throw new BackendUnavailableException("cuda", "device index " + index + " requested but " + opened.length
                    + " device(s) found; run 'kiln devices' to list them");
        }
        if (opened[index] == null) {
            opened[index] = new CudaBackend(index, new CudaDevice(found.get(index)));
        }
        return opened[index];
    }
}
