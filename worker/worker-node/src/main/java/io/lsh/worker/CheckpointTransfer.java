package io.lsh.worker;

import io.lsh.metrics.WorkerMetrics;
import io.lsh.protocol.WorkerCommand.RunTrial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * Moves checkpoints between a worker and the coordinator's artifact store when the nodes share no filesystem
 * ({@code lsh.cluster.checkpoint-transfer = coordinator}): a decorator of the real {@link TrialExecutor}. When a work
 * item names its checkpoints by URL, the one to resume from is downloaded into this worker's cache (unless already
 * there: checkpoints never change once written), the run writes its checkpoint into the cache, and the run only
 * counts as completed once the upload succeeded (a failed upload fails the run, which the coordinator retries).
 * Work items with plain paths pass through unchanged.
 */
public final class CheckpointTransfer implements TrialExecutor {

    private final TrialExecutor inner;
    private final Path cache;
    private final Optional<SSLContext> tls;
    private final WorkerMetrics metrics;
    private final String workerId;

    /**
     * @param inner    the executor that trains
     * @param cache    this worker's checkpoint cache directory (created if missing)
     * @param tls      the cluster's TLS context when the store serves HTTPS
     * @param metrics  where transfers are counted
     * @param workerId label of this worker's transfer metrics
     */
    public CheckpointTransfer(TrialExecutor inner, Path cache, Optional<SSLContext> tls, WorkerMetrics metrics,
                              String workerId) {
        this.inner = inner;
        this.cache = cache;
        this.tls = tls;
        this.metrics = metrics;
        this.workerId = workerId;
    }

    @Override
    public Outcome run(RunTrial work, EpochListener listener, BooleanSupplier stopRequested) {
        boolean remoteOut = isUrl(work.checkpointOut());
        if (!remoteOut && !isUrl(work.resumeCheckpoint())) {
            return inner.run(work, listener, stopRequested);
        }
        String resume = work.resumeCheckpoint();
        try {
            Files.createDirectories(cache);
            if (isUrl(resume)) {
                Path local = cached(resume);
                if (!Files.isRegularFile(local)) {
                    download(resume, local);
                }
                resume = local.toString();
            }
        } catch (IOException e) {
            return new Outcome.Failed("cannot fetch checkpoint " + work.resumeCheckpoint() + ": " + e.getMessage(),
                    false);
        }
        String out = remoteOut ? cached(work.checkpointOut()).toString() : work.checkpointOut();
        Outcome outcome = inner.run(work.withCheckpoints(resume, out), listener, stopRequested);
        if (!remoteOut || !(outcome instanceof Outcome.Completed completed)) {
            return outcome;
        }
        try {
            upload(Path.of(completed.checkpoint()), work.checkpointOut());
        } catch (IOException e) {
            return new Outcome.Failed("cannot upload checkpoint to " + work.checkpointOut() + ": " + e.getMessage(),
                    false);
        }
        return new Outcome.Completed(completed.metrics(), work.checkpointOut());
    }

    private static boolean isUrl(String location) {
        return location != null && (location.startsWith("http://") || location.startsWith("https://"));
    }

    private Path cached(String url) {
        String path = URI.create(url).getPath();
        return cache.resolve(path.substring(path.lastIndexOf('/') + 1));
    }

    private HttpURLConnection open(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (c instanceof HttpsURLConnection https && tls.isPresent()) {
            https.setSSLSocketFactory(tls.get().getSocketFactory());
            // as in the cluster's remoting: the trust store decides who is who, not host names
            https.setHostnameVerifier((host, session) -> true);
        }
        c.setConnectTimeout(30_000);
        c.setReadTimeout(300_000);
        return c;
    }

    private void download(String url, Path target) throws IOException {
        long start = System.nanoTime();
        HttpURLConnection c = open(url);
        try {
            if (c.getResponseCode() != 200) {
                throw new IOException("HTTP " + c.getResponseCode() + " from " + url);
            }
            Path tmp = Files.createTempFile(cache, target.getFileName().toString(), ".part");
            try (InputStream in = c.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } finally {
            c.disconnect();
        }
        metrics.checkpointTransferred(workerId, false, Files.size(target), (System.nanoTime() - start) / 1e9);
    }

    private void upload(Path file, String url) throws IOException {
        long start = System.nanoTime();
        long size = Files.size(file);
        HttpURLConnection c = open(url);
        try {
            c.setRequestMethod("PUT");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(size);
            c.setRequestProperty("Content-Type", "application/octet-stream");
            try (OutputStream out = c.getOutputStream()) {
                Files.copy(file, out);
            }
            if (c.getResponseCode() != 201) {
                throw new IOException("HTTP " + c.getResponseCode() + " from " + url);
            }
        } finally {
            c.disconnect();
        }
        metrics.checkpointTransferred(workerId, true, size, (System.nanoTime() - start) / 1e9);
    }
}
