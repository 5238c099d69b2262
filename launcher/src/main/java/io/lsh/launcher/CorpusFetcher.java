package io.lsh.launcher;

import io.lsh.lm.data.StandardCorpusChecksums;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Downloads a standard corpus into a folder: each split file is verified against its standard SHA-256 before it is
 * moved (atomically) to its name, so the folder never holds a partial or wrong file; files already there and valid
 * are kept, which makes an interrupted fetch resumable. Downloads go to hidden {@code .NAME.*.part} files in the
 * target folder, removed on any failure.
 */
final class CorpusFetcher {

    /** Why a fetch failed: one line naming the file and the URL. */
    static final class FetchException extends RuntimeException {
        FetchException(String message) {
            super(message);
        }
    }

    /** What happened to one file. */
    record FileResult(Path file, boolean downloaded, long bytes) {
    }

    private final URI baseUrl;
    private final HttpClient http;

    /**
     * @param baseUrl the folder the files (or the zip) are in: http, https or file URL; a missing trailing '/' is
     *                added
     */
    CorpusFetcher(String baseUrl) {
        URI uri;
        try {
            uri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--base-url " + baseUrl + " is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!List.of("http", "https", "file").contains(scheme)) {
            throw new UserInputException("--base-url " + baseUrl + " must be an http, https or file URL");
        }
        this.baseUrl = uri;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * Makes {@code dir} hold the corpus's three standard files.
     *
     * @param progress receives each file's result as it is settled
     * @throws FetchException on a download failure or checksum mismatch (files settled before it stay)
     * @throws UserInputException if {@code dir} cannot be created
     */
    List<FileResult> fetch(StandardCorpusSource corpus, Path dir, Consumer<FileResult> progress) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserInputException("cannot create folder " + dir + ": " + e.getMessage());
        }
        List<FileResult> results = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : corpus.files()) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file) && expected(name).equals(sha256(file))) {
                FileResult kept = new FileResult(file, false, size(file));
                results.add(kept);
                progress.accept(kept);
            } else {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return results;
        }
        if (corpus.archive() == null) {
            for (String name : missing) {
                URI url = baseUrl.resolve(name);
                Path part = download(url, dir, name);
                FileResult fetched = settle(part, dir.resolve(name), url.toString());
                results.add(fetched);
                progress.accept(fetched);
            }
        } else {
            URI url = baseUrl.resolve(corpus.archive());
            Path zip = download(url, dir, corpus.archive());
            try (ZipFile archive = new ZipFile(zip.toFile())) {
                for (String name : missing) {
                    ZipEntry entry = archive.stream().filter(e -> !e.isDirectory()
                            && (e.getName().equals(name) || e.getName().endsWith("/" + name))).findFirst()
                            .orElseThrow(() -> new FetchException(url + " has no " + name));
                    Path part = partFile(dir, name);
                    try (InputStream in = archive.getInputStream(entry)) {
                        copyAndSync(in, part);
                    } catch (IOException | RuntimeException e) {
                        deleteQuietly(part);
                        throw e;
                    }
                    FileResult extracted = settle(part, dir.resolve(name), url + "!" + entry.getName());
                    results.add(extracted);
                    progress.accept(extracted);
                }
            } catch (ZipException e) {
                throw new FetchException(url + " is not a zip archive (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new FetchException("cannot read " + url + ": " + e.getMessage());
            } finally {
                deleteQuietly(zip);
            }
        }
        return results;
    }

    /** Checks the downloaded part file and moves it to {@code target}, or deletes it and throws. */
    private static FileResult settle(Path part, Path target, String source) {
        try {
            String name = target.getFileName().toString();
            String actual = sha256(part);
            if (!expected(name).equals(actual)) {
                throw new FetchException(name + " from " + source + " has SHA-256 " + actual + ", expected "
                        + expected(name) + " (corrupt or not the standard file; nothing written)");
            }
            long bytes = size(part);
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new FetchException("cannot write " + target + ": the file system does not support atomic moves");
            } catch (IOException e) {
                throw new FetchException("cannot write " + target + ": " + e.getMessage());
            }
            return new FileResult(target, true, bytes);
        } finally {
            deleteQuietly(part);
        }
    }

    /** Downloads {@code url} into a new part file in {@code dir}; deletes it and throws on any failure. */
    private Path download(URI url, Path dir, String name) {
        Path part = partFile(dir, name);
        try {
            if ("file".equalsIgnoreCase(url.getScheme())) {
                Path source = Path.of(url);
                if (!Files.isRegularFile(source)) {
                    throw new FetchException("cannot download " + url + ": no such file");
                }
                try (InputStream in = Files.newInputStream(source)) {
                    copyAndSync(in, part);
                }
            } else {
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).GET()
                        .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new FetchException("cannot download " + url + ": HTTP " + response.statusCode()
                                + (response.statusCode() == 404 ? " (not found; check --base-url)" : ""));
                    }
                    copyAndSync(in, part);
                }
            }
            Path kept = part;
            part = null;
            return kept;
        } catch (java.net.ConnectException e) {
            throw new FetchException("cannot download " + url + ": cannot connect to " + url.getHost()
                    + (url.getPort() > 0 ? ":" + url.getPort() : ""));
        } catch (java.net.http.HttpTimeoutException e) {
            throw new FetchException("cannot download " + url + ": timed out");
        } catch (IOException e) {
            throw new FetchException("cannot download " + url + ": " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("download of " + url + " interrupted");
        } finally {
            deleteQuietly(part);
        }
    }

    /**
     * A new empty {@code .NAME.<random>.part} in {@code dir}, with the default permissions (umask; not the
     * owner-only ones of {@code Files.createTempFile}: corpus folders are shared with workers).
     */
    private static Path partFile(Path dir, String name) {
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        for (int attempt = 0; ; attempt++) {
            Path candidate = dir.resolve("." + name + "." + Long.toUnsignedString(random.nextLong(), 36) + ".part");
            try {
                Files.newByteChannel(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return candidate;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw new UserInputException("cannot create a file in " + dir);
                }
            } catch (IOException e) {
                throw new UserInputException("cannot write in " + dir + ": " + e.getMessage());
            }
        }
    }

    private static void copyAndSync(InputStream in, Path part) throws IOException {
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
            in.transferTo(out);
            out.flush();
            channel.force(true);
        }
    }

    private static String expected(String name) {
        return StandardCorpusChecksums.SHA256.get(name);
    }

    private static String sha256(Path file) {
        try {
            return StandardCorpusChecksums.sha256(file);
        } catch (UncheckedIOException e) {
            throw new FetchException(e.getMessage());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: part files are hidden and recognisable by their suffix
            }
        }
    }
}
