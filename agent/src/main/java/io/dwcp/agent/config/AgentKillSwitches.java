package io.dwcp.agent.config;

/**
 * Every kill switch of the agent, read once here from system properties (issue 13: they were read in several
 * places) and logged with the effective configuration: the agent's own ({@code -Ddwcp.gpu.disable=true}: no
 * GPU, TensorFlow on CPU and no NVML gauges; {@code -Ddwcp.epoll.disable=true}: Java NIO instead of native
 * epoll) and the native code's ({@link io.dwcp.jni.KillSwitches}). Immutable.
 */
public record AgentKillSwitches(boolean gpuDisabled, boolean epollDisabled, io.dwcp.jni.KillSwitches nativeCode) {
    public static final String GPU = "dwcp.gpu.disable";
    public static final String EPOLL = "dwcp.epoll.disable";

    private static final AgentKillSwitches CURRENT = new AgentKillSwitches(Boolean.getBoolean(GPU), Boolean.getBoolean(EPOLL),
            io.dwcp.jni.KillSwitches.current());

    public static AgentKillSwitches current() {
        return CURRENT;
    }

    @Override
    public String toString() {
        return GPU + "=" + gpuDisabled + ", " + EPOLL + "=" + epollDisabled + ", " + nativeCode;
    }
}
