package io.dwcp.agent.inference;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_ContextOptions;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Status;

/**
 * Is there a GPU TensorFlow can use? Asks TensorFlow itself (an eager context lists its devices), so the
 * answer covers the driver, {@code libcuda.so.1}, and whether this build's native library has GPU kernels
 * at all. Never throws: a host with no driver, no device nodes or a CPU-only build gets a reason instead.
 * {@code -Ddwcp.gpu.disable=true} is the kill switch. The result is computed once.
 */
public final class GpuProbe {
    /** What the probe found. {@code devices} empty means no usable GPU; {@code reason} says why. */
    public record Result(List<String> devices, String reason) {
        public boolean available() {
            return !devices.isEmpty();
        }
    }

    private static volatile Result result;

    private GpuProbe() {}

    public static Result result() {
        Result r = result;
        if (r == null) {
            synchronized (GpuProbe.class) {
                if (result == null) {
                    result = probe();
                }
                r = result;
            }
        }
        return r;
    }

    private static Result probe() {
        if (io.dwcp.agent.config.AgentKillSwitches.current().gpuDisabled()) {
            return new Result(List.of(), "disabled by -Ddwcp.gpu.disable=true");
        }
        // Without the driver's device nodes no CUDA device can open: say so without loading TensorFlow (~650 MB
        // mapped, seconds of start-up) just to hear it list none.
        if (!Files.exists(Path.of("/dev/nvidiactl"))) {
            return new Result(List.of(), "no NVIDIA device nodes (/dev/nvidiactl)");
        }
        String nodes = "";
        try {
            List<String> gpus = new ArrayList<>();
            TF_Status st = TF_NewStatus();
            TFE_ContextOptions opts = TFE_NewContextOptions();
            TFE_Context ctx = TFE_NewContext(opts, st);
            try {
                if (TF_GetCode(st) != TF_OK) {
                    return new Result(List.of(), "TensorFlow context failed: " + TF_Message(st).getString());
                }
                TF_DeviceList list = TFE_ContextListDevices(ctx, st);
                try {
                    for (int i = 0; i < TF_DeviceListCount(list); i++) {
                        String type = TF_DeviceListType(list, i, st).getString();
                        if ("GPU".equals(type)) {
                            gpus.add(TF_DeviceListName(list, i, st).getString() + " ("
                                    + TF_DeviceListMemoryBytes(list, i, st) / (1 << 20) + " MiB)");
                        }
                    }
                } finally {
                    TF_DeleteDeviceList(list);
                }
            } finally {
                if (ctx != null && !ctx.isNull()) {
                    TFE_DeleteContext(ctx);
                }
                TFE_DeleteContextOptions(opts);
                TF_DeleteStatus(st);
            }
            if (gpus.isEmpty()) {
                return new Result(List.of(), "TensorFlow lists no GPU device (CPU-only native build — the GPU build is "
                        + "the 'gpu' Maven profile — or no usable NVIDIA driver/libcuda.so.1" + nodes + ")");
            }
            return new Result(List.copyOf(gpus), null);
        } catch (Throwable t) { // LinkageError from a native library that will not load is the common case
            if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) {
                throw vme;
            }
            return new Result(List.of(), "TensorFlow native library unavailable: " + t);
        }
    }
}
