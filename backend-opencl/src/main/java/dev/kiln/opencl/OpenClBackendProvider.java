package dev.kiln.opencl;

import dev.kiln.api.errors.BackendUnavailableException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.api.spi.DeviceInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jocl.CLException;

/**
 * The OpenCL backend ({@code opencl}, priority 200). Nothing native is touched until
 * {@link #probe()}, which loads JOCL and the system's OpenCL loader once and remembers the answer.
 */
public final class OpenClBackendProvider implements BackendProvider {
    private final Function<OpenClDeviceProperties, OpenClDevice> devices;
    private volatile Availability availability;
    private volatile List<OpenClDeviceProperties> found = List.of();
    private OpenClBackend[] opened;
    private boolean closeAtExit;

    public OpenClBackendProvider() {
        this(properties -> new OpenClDevice(properties, OpenClProgramCache.defaultFolder()));
    }

    /** A provider that opens devices through {@code devices} (tests watch what it makes). */
    OpenClBackendProvider(Function<OpenClDeviceProperties, OpenClDevice> devices) {
        this.devices = devices;
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return 200;
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
            List<OpenClDeviceProperties> devices = OpenClDiscovery.devices();
            found = devices;
            opened = new OpenClBackend[devices.size()];
            OpenClDeviceProperties first = devices.get(0);
            warnIfSigsegvTaken();
            return Availability.yes(devices.size() + " OpenCL device(s); first: " + first.name() + " (" + first.kind()
                    + ", " + first.platformName() + ", " + first.openclVersion() + ")");
        } catch (OpenClDiscovery.NothingFound e) {
            return Availability.no(e.getMessage());
        } catch (LinkageError e) {
            return Availability.no("the OpenCL library could not be loaded (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); install an OpenCL ICD loader (libOpenCL.so.1, e.g. the ocl-icd-libopencl1 package) and a driver");
        } catch (CLException e) {
            return Availability.no("OpenCL device discovery failed: " + e.getMessage());
        }
    }

    /** Loading a platform (PoCL's LLVM) can take the JVM's SIGSEGV handler; without libjsig that is a rare crash, so say so once. */
    private static void warnIfSigsegvTaken() {
        SignalChaining.sigsegvTakenBy().ifPresent(library -> System.getLogger("dev.kiln.opencl").log(System.Logger.Level.WARNING,
                "kiln: loading the OpenCL platform put " + library + "'s SIGSEGV handler in place of the JVM's; without signal"
                        + " chaining the JVM can die of SIGSEGV (exit code 139, no hs_err file) when two threads fault at once. "
                        + SignalChaining.REMEDY));
    }

    @Override
    public List<DeviceInfo> devices() {
        if (!probe().available()) {
            return List.of();
        }
        List<DeviceInfo> infos = new ArrayList<>();
        List<OpenClDeviceProperties> devices = found;
        for (int i = 0; i < devices.size(); i++) {
            OpenClDeviceProperties d = devices.get(i);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("platform", d.platformName());
            details.put("vendor", d.vendor());
            details.put("openclVersion", d.openclVersion());
            details.put("openclCVersion", d.openclCVersion());
            details.put("driverVersion", d.driverVersion());
            details.put("maxAllocationBytes", Long.toString(d.maxAllocationBytes()));
            details.put("localMemoryBytes", Long.toString(d.localMemoryBytes()));
            details.put("maxWorkGroupSize", Long.toString(d.maxWorkGroupSize()));
            details.put("fp64", Boolean.toString(d.fp64()));
            infos.add(new DeviceInfo(i, d.name(), d.kind(), d.globalMemoryBytes(), d.computeUnits(), java.util.Collections.unmodifiableMap(details)));
        }
        return List.copyOf(infos);
    }

    @Override
    public synchronized Backend open(int index) {
        Availability a = probe();
        if (!a.available()) {
            throw new BackendUnavailableException("opencl", a.reason());
        }
        if (index < 0 || index >= opened.length) {
            throw new BackendUnavailableException("opencl", "device index " + index + " requested but " + opened.length
                    + " device(s) found; run 'kiln devices' to list them");
        }
        if (opened[index] == null || opened[index].cl().isClosed()) {
            if (!closeAtExit) {
                Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "kiln-opencl-close"));
                closeAtExit = true;
            }
            opened[index] = backendOn(index, devices.apply(found.get(index)));
        }
        return opened[index];
    }

    /** The backend over a device just opened; if it cannot be made (a bad setting), the device's context and queue are released. */
    private static OpenClBackend backendOn(int index, OpenClDevice device) {
        try {
            return new OpenClBackend(index, device);
        } catch (RuntimeException | Error e) {
            try {
                device.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * At JVM exit, closes every device this provider opened, waiting up to a few seconds for work in
     * flight; a device still busy then is left to the operating system, which frees it with the process.
     */
    private void closeAll() {
        OpenClBackend[] all;
        synchronized (this) {
            all = opened.clone();
        }
        try {
            for (OpenClBackend b : all) {
                if (b != null) {
                    b.cl().closeWithin(5_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
