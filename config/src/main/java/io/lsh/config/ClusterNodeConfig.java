package io.lsh.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * Builds the Pekko configuration of one LSH node (coordinator or worker): cluster provider over Artery TCP, bound to
 * the given address, SLF4J logging, Split Brain Resolver, and the protocol's CBOR bindings (from the protocol
 * module's {@code reference.conf}).
 */
public final class ClusterNodeConfig {

    /** The actor-system name shared by every node of an LSH cluster. */
    public static final String SYSTEM_NAME = "lsh";

    /**
     * The cluster role of coordinator nodes: the study (a cluster singleton) runs on the oldest of them, and the
     * Split Brain Resolver counts only them.
     */
    public static final String COORDINATOR_ROLE = "coordinator";

    /** The cluster role of worker nodes. */
    public static final String WORKER_ROLE = "worker";

    private ClusterNodeConfig() {
    }

    /**
     * @param host      address to bind and advertise (127.0.0.1 unless configured)
     * @param port      port to bind (0 = any free port; only for nodes that are not seed nodes)
     * @param seedNodes {@code host:port} of the seed nodes (the coordinator's address)
     * @param role      cluster role of the node ({@code coordinator} or {@code worker})
     */
    public static Config node(String host, int port, List<String> seedNodes, String role) {
        return node(host, port, seedNodes, role, java.util.Optional.empty());
    }

    /**
     * @param host      address to bind and advertise (127.0.0.1 unless configured)
     * @param port      port to bind (0 = any free port; only for nodes that are not seed nodes)
     * @param seedNodes {@code host:port} of the seed nodes (the coordinator's address)
     * @param role      cluster role of the node ({@code coordinator} or {@code worker})
     * @param tls       when present, remoting runs over TLS ({@code tls-tcp}) with mutual authentication
     */
    public static Config node(String host, int port, List<String> seedNodes, String role,
                              java.util.Optional<ClusterTls> tls) {
        Config node = plainNode(host, port, seedNodes, role);
        if (tls.isEmpty()) {
            return node;
        }
        ClusterTls t = tls.get();
        String prefix = "pekko.remote.artery.ssl.config-ssl-engine.";
        return node
                .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
                .withValue(prefix + "key-store", ConfigValueFactory.fromAnyRef(t.keyStore().toString()))
                .withValue(prefix + "key-store-password", ConfigValueFactory.fromAnyRef(t.keyStorePassword()))
                .withValue(prefix + "key-password", ConfigValueFactory.fromAnyRef(t.keyStorePassword()))
                .withValue(prefix + "trust-store", ConfigValueFactory.fromAnyRef(t.trustStore().toString()))
                .withValue(prefix + "trust-store-password", ConfigValueFactory.fromAnyRef(t.trustStorePassword()))
                .withValue(prefix + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
                .withValue(prefix + "hostname-verification", ConfigValueFactory.fromAnyRef(false))
                .withValue(prefix + "protocol", ConfigValueFactory.fromAnyRef("TLSv1.3"))
                .withValue(prefix + "enabled-algorithms",
                        ConfigValueFactory.fromIterable(List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")));
    }

    private static Config plainNode(String host, int port, List<String> seedNodes, String role) {
        List<String> seeds = seedNodes.stream().map(s -> "pekko://" + SYSTEM_NAME + "@" + s).toList();
        Config node = ConfigFactory.parseString("""
                pekko {
                  loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                  logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                  loglevel = "DEBUG"
                  stdout-loglevel = "OFF"
                  log-dead-letters-during-shutdown = off
                  actor.provider = "cluster"
                  remote.artery {
                    transport = tcp
                  }
                  cluster {
                    downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                    # keep-majority counted over the coordinator role: the side with the coordinator always survives a
                    # partition, workers cut off from it down themselves (and are replaced by whoever joins).
                    split-brain-resolver.active-strategy = "keep-majority"
                    split-brain-resolver.keep-majority.role = "coordinator"
                    jmx.multi-mbeans-in-same-jvm = on
                    log-info = off
                  }
                  coordinated-shutdown.exit-jvm = off
                  coordinated-shutdown.run-by-jvm-shutdown-hook = off
                }
                """)
                .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)));
        return node.withFallback(ConfigFactory.load());
    }
}
