package io.lsh.coordinator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's artifact store: checkpoints travel between workers through it when the nodes share no
 * filesystem ({@code lsh.cluster.checkpoint-transfer = coordinator}). {@code PUT /checkpoints/NAME} stores a
 * checkpoint in the study folder's {@code checkpoints/} (written to a temporary file and moved into place, so a
 * reader never sees half a file); {@code GET /checkpoints/NAME} serves it. Only checkpoint names
 * ({@code trial-NNNN-epoch-N.lshc}) are accepted. With TLS it serves HTTPS and requires the client's certificate
 * (the cluster's mutual authentication, {@code io.lsh.config.ClusterTls}).
 */
public final class ArtifactServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactServer.class);
    private static final Pattern NAME = Pattern.compile("trial-\\d{4,}-epoch-\\d+\\.lshc");
    private static final String PREFIX = "/checkpoints/";

    private final HttpServer server;
    private final ExecutorService threads;
    private final Path directory;
    private final String baseUrl;

    private ArtifactServer(HttpServer server, ExecutorService threads, Path directory, String baseUrl) {
        this.server = server;
        this.threads = threads;
        this.directory = directory;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts the store.
     *
     * @param host      address to bind (the coordinator's cluster host)
     * @param port      port, 0 for a free one
     * @param directory where checkpoints live (the study folder's {@code checkpoints/})
     * @param tls       the cluster's TLS context: HTTPS with client authentication when present
     * @return the running store
     */
    public static ArtifactServer start(String host, int port, Path directory, Optional<SSLContext> tls) {
        try {
            Files.createDirectories(directory);
            HttpServer server;
            if (tls.isPresent()) {
                HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.get()) {
                    @Override
                    public void configure(HttpsParameters params) {
                        var parameters = tls.get().getDefaultSSLParameters();
                        parameters.setNeedClientAuth(true);
                        params.setSSLParameters(parameters);
                    }
                });
                server = https;
            } else {
                server = HttpServer.create(new InetSocketAddress(host, port), 0);
            }
            ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "lsh-artifacts");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(threads);
            String base = (tls.isPresent() ? "https://" : "http://") + host + ":" + server.getAddress().getPort();
            ArtifactServer store = new ArtifactServer(server, threads, directory, base);
            server.createContext(PREFIX, store::handle);
            server.start();
            LOG.info("Artifact store for checkpoints on {}{}", base, PREFIX);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the artifact store on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** @return the URL a checkpoint file is stored and fetched at */
    public String url(Path checkpoint) {
        return baseUrl + PREFIX + checkpoint.getFileName();
    }

    /** @return the local file behind a checkpoint URL of this store, or empty if it is not one */
    public Optional<Path> localFile(String url) {
        if (!url.startsWith(baseUrl + PREFIX)) {
            return Optional.empty();
        }
        String name = url.substring((baseUrl + PREFIX).length());
        return NAME.matcher(name).matches() ? Optional.of(directory.resolve(name)) : Optional.empty();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String name = exchange.getRequestURI().getPath().substring(PREFIX.length());
            if (!NAME.matcher(name).matches()) {
                reply(exchange, 400, "not a checkpoint name: " + name);
                return;
            }
            Path file = directory.resolve(name);
            switch (exchange.getRequestMethod()) {
                case "GET" -> {
                    if (!Files.isRegularFile(file)) {
                        reply(exchange, 404, "no checkpoint " + name);
                        return;
                    }
                    exchange.sendResponseHeaders(200, Files.size(file));
                    try (OutputStream out = exchange.getResponseBody()) {
                        Files.copy(file, out);
                    }
                }
                case "PUT" -> {
                    Path tmp = Files.createTempFile(directory, name, ".part");
                    try (InputStream in = exchange.getRequestBody()) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                    reply(exchange, 201, "stored " + name);
                }
                default -> reply(exchange, 405, "GET or PUT");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Artifact store: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                    e.toString());
            throw e;
        }
    }

    private static void reply(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
