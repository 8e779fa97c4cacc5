package io.dwcp.agent;

import io.dwcp.agent.ops.Transports;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/** UP only while the UDP listener and the socket are bound and the worker and every model's batcher thread run. */
@Singleton
public final class AgentHealthIndicator implements HealthIndicator {
    private final AgentService agent;

    public AgentHealthIndicator(AgentService agent) {
        this.agent = agent;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("udp", agent.udpAddress().toString());
        d.put("socket", agent.config().socket().path().toString());
        d.put("socket_clients", agent.socket().clients());
        d.put("transport", Transports.name());
        java.util.List<String> dead = agent.pipeline().deadBatchers();
        if (!dead.isEmpty()) {
            d.put("dead_batchers", dead); // each also logged by name; any one makes the agent DOWN
        }
        return Publishers.just(HealthResult.builder("dwcp-agent", agent.healthy() ? HealthStatus.UP : HealthStatus.DOWN)
                .details(d).build());
    }
}
