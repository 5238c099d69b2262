package io.lsh.launcher;

import io.lsh.config.StudySettings;
import io.lsh.metrics.MetricsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics endpoint of this JVM (lsh.metrics): one registry with the JVM metrics, to which the nodes started
 * here add theirs, served on one port. In {@code lsh search} coordinator and workers share the JVM and so share
 * this one registry and endpoint (the coordinator's port). A port that cannot be bound is a warning, not an
 * error: the study runs on without metrics.
 */
final class MetricsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.lsh.study");

    private final PrometheusRegistry registry;
    private final MetricsServer server;
    private final int lingerSeconds;

    private MetricsEndpoint(PrometheusRegistry registry, MetricsServer server, int lingerSeconds) {
        this.registry = registry;
        this.server = server;
        this.lingerSeconds = lingerSeconds;
    }

    /**
     * Starts the endpoint on {@code host:port} when {@code settings.enabled()} (port 0 = a free port), logging
     * {@code Metrics on http://HOST:PORT/metrics}.
     */
    static MetricsEndpoint start(StudySettings.Metrics settings, String host, int port) {
        PrometheusRegistry registry = MetricsServer.newRegistry();
        if (!settings.enabled()) {
            return new MetricsEndpoint(registry, null, 0);
        }
        try {
            MetricsServer server = MetricsServer.start(registry, host, port);
            LOG.info("Metrics on {}", server.url());
            return new MetricsEndpoint(registry, server, settings.lingerSeconds());
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            LOG.warn("No metrics endpoint: cannot bind {}:{} ({}); the study runs without it (see lsh.metrics)",
                    host, port, e.getMessage());
            return new MetricsEndpoint(registry, null, 0);
        }
    }

    /** The registry the nodes of this JVM register their metrics in. */
    PrometheusRegistry registry() {
        return registry;
    }

    /** The bound port, empty when the endpoint is off. */
    OptionalInt port() {
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    /** Stops the endpoint, after lsh.metrics.linger-seconds so that a last scrape sees the final values. */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            if (lingerSeconds > 0) {
                LOG.info("Metrics stay on {} for {} s (lsh.metrics.linger-seconds)", server.url(), lingerSeconds);
                Thread.sleep(lingerSeconds * 1000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
    }
}
