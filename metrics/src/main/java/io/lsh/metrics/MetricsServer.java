package io.lsh.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Objects;

/**
 * The Prometheus endpoint of one JVM: an HTTP server answering {@code GET /metrics} with a registry's metrics in the
 * text exposition format. Bind it to loopback unless the machine's network is trusted: the endpoint has no
 * authentication.
 */
public final class MetricsServer implements AutoCloseable {

    private final HTTPServer server;
    private final String host;

    private MetricsServer(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * A fresh registry holding the JVM metrics (memory pools and buffers, GC, threads, classes, process): the
     * registry a node's {@link CoordinatorMetrics} and {@link WorkerMetrics} are added to.
     *
     * @return a new registry, not the client's static default one
     */
    public static PrometheusRegistry newRegistry() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return registry;
    }

    /**
     * Starts the endpoint.
     *
     * @param registry what it exposes
     * @param host     address to bind (e.g. {@code 127.0.0.1})
     * @param port     port to bind, 0 for a free one (see {@link #port()})
     * @return the running server
     * @throws IOException if the address cannot be bound (port in use, unknown host)
     */
    public static MetricsServer start(PrometheusRegistry registry, String host, int port) throws IOException {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0-65535");
        }
        HTTPServer server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        return new MetricsServer(server, host);
    }

    /** @return the bound port (the chosen one when started with port 0) */
    public int port() {
        return server.getPort();
    }

    /** @return the bound host as given */
    public String host() {
        return host;
    }

    /** @return {@code http://HOST:PORT/metrics} */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port() + "/metrics";
    }

    /** Stops the server (idempotent). */
    @Override
    public void close() {
        server.stop();
    }
}
