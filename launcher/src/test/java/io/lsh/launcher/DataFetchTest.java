package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.lsh.lm.data.StandardCorpusChecksums;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `lsh data fetch` against a local HTTP server serving the real corpora from ../shared/data (skipped when they are
 * not there): success, resume, checksum mismatch, 404.
 */
class DataFetchTest {

    private static final List<String> PTB = List.of("ptb.train.txt", "ptb.valid.txt", "ptb.test.txt");
    private static final List<String> WIKI = List.of("wiki.train.tokens", "wiki.valid.tokens", "wiki.test.tokens");

    @TempDir
    Path tmp;

    private Path mirror;
    private Path target;
    private HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private static Path sharedData() {
        Path shared = Path.of(System.getProperty("lsh.shared.dir", RepoPaths.root().resolve("../shared").toString()))
                .resolve("data");
        Assumptions.assumeTrue(Files.isDirectory(shared.resolve("ptb")) && Files.isDirectory(shared.resolve(
                "wikitext-2")), "skipped: the real corpora are not in " + shared);
        return shared;
    }

    @BeforeEach
    void serveAMirror() throws IOException {
        mirror = Files.createDirectories(tmp.resolve("mirror"));
        target = tmp.resolve("corpus");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().replaceFirst("^/data/", "");
            requests.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            Path file = mirror.resolve(name);
            if (name.contains("/") || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream body = exchange.getResponseBody()) {
                Files.copy(file, body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/data/";
    }

    private void mirrorPtb() throws IOException {
        for (String name : PTB) {
            Files.copy(sharedData().resolve("ptb").resolve(name), mirror.resolve(name));
        }
    }

    private LshCommandLineTest.Result fetch(String corpus) {
        return LshCommandLineTest.run("data", "fetch", corpus, target.toString(), "--base-url", baseUrl());
    }

    private void assertOnlyTheStandardFiles(List<String> names) throws IOException {
        for (String name : names) {
            assertEquals(StandardCorpusChecksums.SHA256.get(name), StandardCorpusChecksums.sha256(target.resolve(name)),
                    name);
        }
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(names.stream().sorted().toList(), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no part file or archive left behind");
        }
    }

    private int requestsFor(String name) {
        return requests.getOrDefault(name, new AtomicInteger()).get();
    }

    @Test
    void ptbIsDownloadedVerifiedAndNotDownloadedAgain() throws IOException {
        mirrorPtb();
        LshCommandLineTest.Result r = fetch("ptb");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.out().lines().filter(l -> l.startsWith("fetched  ")).count(), r.out());
        assertOnlyTheStandardFiles(PTB);
        assertEquals(0, LshCommandLineTest.run("data", "verify", target.toString()).code());

        LshCommandLineTest.Result again = fetch("ptb");
        assertEquals(0, again.code(), again.err());
        assertEquals(3, again.out().lines().filter(l -> l.startsWith("present  ")).count(), again.out());
        PTB.forEach(name -> assertEquals(1, requestsFor(name), name + " downloaded once"));
    }

    @Test
    void wikitext2IsExtractedFromItsZip() throws IOException {
        Path wiki = sharedData().resolve("wikitext-2");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(mirror.resolve("wikitext-2-v1.zip")))) {
            zip.putNextEntry(new ZipEntry("wikitext-2/"));
            zip.closeEntry();
            for (String name : WIKI) {
                zip.putNextEntry(new ZipEntry("wikitext-2/" + name));
                Files.copy(wiki.resolve(name), zip);
                zip.closeEntry();
            }
        }
        LshCommandLineTest.Result r = LshCommandLineTest.run("data", "fetch", "WikiText-2", target.toString(),
                "--mirror", baseUrl());
        assertEquals(0, r.code(), r.err());
        assertOnlyTheStandardFiles(WIKI);
        assertEquals(1, requestsFor("wikitext-2-v1.zip"));
    }

    @Test
    void aPartialFolderIsResumed() throws IOException {
        mirrorPtb();
        Files.createDirectories(target);
        Files.copy(mirror.resolve("ptb.train.txt"), target.resolve("ptb.train.txt"));
        byte[] valid = Files.readAllBytes(mirror.resolve("ptb.valid.txt"));
        Files.write(target.resolve("ptb.valid.txt"), java.util.Arrays.copyOf(valid, valid.length / 2));
        LshCommandLineTest.Result r = fetch("ptb");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("present  " + target.resolve("ptb.train.txt")), r.out());
        assertTrue(r.out().contains("fetched  " + target.resolve("ptb.valid.txt")), r.out());
        assertEquals(0, requestsFor("ptb.train.txt"), "the valid file already there is kept");
        assertEquals(1, requestsFor("ptb.valid.txt"), "the truncated file is downloaded again");
        assertOnlyTheStandardFiles(PTB);
    }

    @Test
    void aCorruptedCopyFailsNamingTheFileAndLeavesNothingWrong() throws IOException {
        mirrorPtb();
        byte[] valid = Files.readAllBytes(mirror.resolve("ptb.valid.txt"));
        valid[1000] ^= 1;
        Files.write(mirror.resolve("ptb.valid.txt"), valid);
        LshCommandLineTest.Result r = fetch("ptb");
        assertEquals(1, r.code(), r.out());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains("ptb.valid.txt") && r.err().contains("SHA-256"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertOnlyTheStandardFiles(List.of("ptb.train.txt")); // fetched before the failure, kept; no part file
    }

    @Test
    void aMissingFileIsAClearHttpError() throws IOException {
        mirrorPtb();
        Files.delete(mirror.resolve("ptb.test.txt"));
        LshCommandLineTest.Result r = fetch("ptb");
        assertEquals(1, r.code(), r.out());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains("HTTP 404") && r.err().contains(baseUrl() + "ptb.test.txt"), r.err());
        assertOnlyTheStandardFiles(List.of("ptb.train.txt", "ptb.valid.txt"));

        LshCommandLineTest.Result unreachable = LshCommandLineTest.run("data", "fetch", "wikitext-2",
                tmp.resolve("w").toString(), "--base-url", "http://127.0.0.1:1/");
        assertEquals(1, unreachable.code());
        assertTrue(unreachable.err().contains("cannot download http://127.0.0.1:1/wikitext-2-v1.zip"),
                unreachable.err());
        assertEquals(1, unreachable.err().lines().count(), unreachable.err());
    }

    @Test
    void badNamesAndUrlsAreUsageErrors() {
        LshCommandLineTest.Result name = LshCommandLineTest.run("data", "fetch", "imagenet", target.toString());
        assertEquals(2, name.code());
        assertTrue(name.err().contains("unknown corpus 'imagenet' (use ptb or wikitext-2)"), name.err());
        LshCommandLineTest.Result url = LshCommandLineTest.run("data", "fetch", "ptb", target.toString(),
                "--base-url", "ftp://example.org/");
        assertEquals(2, url.code());
        assertTrue(url.err().contains("--base-url"), url.err());
        assertFalse(Files.exists(target), "nothing created for bad input");
    }
}
