package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.config.ClusterTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's artifact store over real HTTP(S) on loopback. */
class ArtifactServerTest {

    @TempDir
    Path dir;

    private static int put(String url, byte[] body, Optional<SSLContext> tls) throws IOException {
        HttpURLConnection c = open(url, tls);
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        return c.getResponseCode();
    }

    private static HttpURLConnection open(String url, Optional<SSLContext> tls) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (c instanceof HttpsURLConnection https) {
            tls.ifPresent(t -> https.setSSLSocketFactory(t.getSocketFactory()));
            https.setHostnameVerifier((h, s) -> true);
        }
        return c;
    }

    @Test
    void storesAndServesCheckpointsAndRefusesOtherNames() throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        try (ArtifactServer server = ArtifactServer.start("127.0.0.1", 0, checkpoints, Optional.empty())) {
            byte[] body = new byte[3_000_000];
            new Random(1).nextBytes(body);
            String url = server.url(checkpoints.resolve("trial-0007-epoch-2.lshc"));
            assertTrue(url.startsWith("http://127.0.0.1:"), url);
            assertEquals(201, put(url, body, Optional.empty()));
            assertArrayEquals(body, Files.readAllBytes(checkpoints.resolve("trial-0007-epoch-2.lshc")));
            assertEquals(Optional.of(checkpoints.resolve("trial-0007-epoch-2.lshc")), server.localFile(url));
            HttpURLConnection get = open(url, Optional.empty());
            assertEquals(200, get.getResponseCode());
            assertArrayEquals(body, get.getInputStream().readAllBytes());
            try (var files = Files.list(checkpoints)) {
                assertEquals(1, files.count(), "no temporary file left");
            }
            assertEquals(404, open(url.replace("0007", "0008"), Optional.empty()).getResponseCode());
            String base = url.substring(0, url.indexOf("/checkpoints/") + "/checkpoints/".length());
            assertEquals(400, put(base + "..%2Fstudy.conf", body, Optional.empty()));
            assertEquals(400, open(base + "journal.jsonl", Optional.empty()).getResponseCode());
            assertEquals(Optional.empty(), server.localFile("http://elsewhere:1/checkpoints/trial-0007-epoch-2.lshc"));
        }
    }

    private void keyPair(String name) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", dir.resolve(name + ".p12").toString(),
                "-storepass", "secret");
        run(keytool, "-exportcert", "-alias", name, "-storetype", "PKCS12", "-keystore",
                dir.resolve(name + ".p12").toString(), "-storepass", "secret", "-file", dir.resolve(name + ".crt")
                        .toString());
        run(keytool, "-importcert", "-noprompt", "-alias", name, "-file", dir.resolve(name + ".crt").toString(),
                "-storetype", "PKCS12", "-keystore", dir.resolve(name + "-trust.p12").toString(), "-storepass",
                "secret");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0, String.join(" ", command));
    }

    private SSLContext context(String keys, String trust) {
        return ClusterTls.load(dir.resolve(keys + ".p12"), dir.resolve(trust + "-trust.p12"),
                Map.of(ClusterTls.KEY_STORE_PASSWORD_ENV, "secret")).sslContext();
    }

    @Test
    void withTlsOnlyClientsHoldingATrustedKeyGetIn() throws Exception {
        keyPair("cluster");
        keyPair("intruder");
        Path checkpoints = dir.resolve("checkpoints");
        try (ArtifactServer server = ArtifactServer.start("127.0.0.1", 0, checkpoints,
                Optional.of(context("cluster", "cluster")))) {
            String url = server.url(checkpoints.resolve("trial-0001-epoch-1.lshc"));
            assertTrue(url.startsWith("https://"), url);
            assertEquals(201, put(url, new byte[] {1, 2, 3}, Optional.of(context("cluster", "cluster"))));
            // a client whose key the store does not trust (it trusts the store, so only client auth can refuse it)
            SSLContext intruder = ClusterTls.load(dir.resolve("intruder.p12"), dir.resolve("cluster-trust.p12"),
                    Map.of(ClusterTls.KEY_STORE_PASSWORD_ENV, "secret")).sslContext();
            assertThrows(IOException.class, () -> put(url, new byte[] {9}, Optional.of(intruder)));
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(checkpoints.resolve("trial-0001-epoch-1.lshc")));
        }
    }
}
