package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.config.ClusterTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remoting over TLS with mutual authentication, with real processes: a coordinator and a worker holding the cluster's
 * key run a study; a worker with a key the cluster does not trust, and a worker without TLS, never get in.
 */
class MultiJvmTlsTest {

    private static final String PASSWORD = "lsh-test-secret";

    @TempDir
    Path out;

    private LshProcesses lsh;

    @org.junit.jupiter.api.BeforeEach
    void processes() {
        lsh = new LshProcesses(out);
    }

    @AfterEach
    void killLeftovers() {
        lsh.close();
    }

    /** A PKCS12 key store with a fresh self-signed key, and a trust store with its certificate. */
    private void keyPair(String name) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        run(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", out.resolve(name + "-keys.p12").toString(), "-storepass", PASSWORD);
        run(keytool.toString(), "-exportcert", "-alias", name, "-storetype", "PKCS12",
                "-keystore", out.resolve(name + "-keys.p12").toString(), "-storepass", PASSWORD,
                "-file", out.resolve(name + ".crt").toString());
        run(keytool.toString(), "-importcert", "-noprompt", "-alias", name, "-file", out.resolve(name + ".crt")
                .toString(), "-storetype", "PKCS12", "-keystore", out.resolve(name + "-trust.p12").toString(),
                "-storepass", PASSWORD);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
    }



    private String[] tls(String name) {
        return new String[] {"--tls-key-store", out.resolve(name + "-keys.p12").toString(),
            "--tls-trust-store", out.resolve(name + "-trust.p12").toString()};
    }

    /** The command's arguments, then the TLS options (options follow their subcommand). */
    private static String[] concat(String[] tls, String... command) {
        return Stream.concat(Stream.of(command), Stream.of(tls)).toArray(String[]::new);
    }

    @Test
    void onlyNodesHoldingATrustedKeyJoin() throws Exception {
        keyPair("cluster");
        keyPair("intruder");
        Map<String, String> env = Map.of(ClusterTls.KEY_STORE_PASSWORD_ENV, PASSWORD);
        int port = ClusterNodes.freePort("127.0.0.1");
        String join = "127.0.0.1:" + port;
        Process coordinator = lsh.start("coordinator", env, concat(tls("cluster"), "coordinator",
                "--config", RepoPaths.tinyStudy().toString(), "--set", "corpus.dir=" + RepoPaths.builtInCorpus(),
                "--set", "metrics.enabled=false", "--out", out.resolve("studies").toString(), "--bind", join));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!(Files.exists(out.resolve("coordinator.out"))
                && lsh.output("coordinator").contains("Coordinator listening on"))) {
            assertTrue(coordinator.isAlive() && System.nanoTime() < deadline, lsh.output("coordinator"));
            Thread.sleep(100);
        }
        Process intruder = lsh.start("intruder", env, concat(tls("intruder"), "worker", "--join", join));
        Process plain = lsh.start("plain", Map.of(), "worker", "--join", join);
        Thread.sleep(3000); // give the intruders a head start: they must not get any work
        Process member = lsh.start("member", env, concat(tls("cluster"), "worker", "--join", join));
        assertTrue(coordinator.waitFor(6, TimeUnit.MINUTES), "the study ends: " + lsh.output("coordinator"));
        assertEquals(0, coordinator.exitValue(), lsh.output("coordinator"));
        assertTrue(lsh.output("coordinator").contains("SELECTED"), lsh.output("coordinator"));
        assertTrue(member.waitFor(60, TimeUnit.SECONDS), "the member leaves at the end");
        assertEquals(0, member.exitValue(), lsh.output("member"));
        assertTrue(intruder.isAlive() && plain.isAlive(), "the refused workers are still knocking");

        Path study;
        try (Stream<Path> s = Files.list(out.resolve("studies"))) {
            study = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        List<String> registered = Files.readAllLines(study.resolve("journal.jsonl")).stream()
                .filter(l -> l.contains("\"event\":\"worker_registered\"")).toList();
        assertEquals(1, registered.size(), registered.toString());
        assertTrue(registered.get(0).contains("-" + member.pid() + "/"), registered.toString());
        assertFalse(registered.get(0).contains("-" + intruder.pid() + "/"));
    }

    @Test
    void aMissingPasswordOrStoreIsAOneLineError() throws Exception {
        keyPair("cluster");
        Process noPassword = lsh.start("no-password", Map.of(), concat(tls("cluster"), "worker", "--join",
                "127.0.0.1:1"));
        assertTrue(noPassword.waitFor(1, TimeUnit.MINUTES));
        assertEquals(LshMain.USAGE, noPassword.exitValue(), lsh.output("no-password"));
        assertEquals(1, lsh.output("no-password").strip().lines().count(), lsh.output("no-password"));
        assertTrue(lsh.output("no-password").contains(ClusterTls.KEY_STORE_PASSWORD_ENV), lsh.output("no-password"));

        Process wrongPassword = lsh.start("wrong-password", Map.of(ClusterTls.KEY_STORE_PASSWORD_ENV, "nope"),
                concat(tls("cluster"), "worker", "--join", "127.0.0.1:1"));
        assertTrue(wrongPassword.waitFor(1, TimeUnit.MINUTES));
        assertEquals(LshMain.USAGE, wrongPassword.exitValue(), lsh.output("wrong-password"));
        assertTrue(lsh.output("wrong-password").contains("cluster-keys.p12"), lsh.output("wrong-password"));
        assertEquals(1, lsh.output("wrong-password").strip().lines().count(), lsh.output("wrong-password"));
    }
}
