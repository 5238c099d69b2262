package io.lsh.launcher;

import io.lsh.config.ClusterTls;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The TLS options of the commands that start cluster nodes ({@code lsh coordinator}, {@code lsh worker}): with both
 * stores given, remoting runs over TLS with mutual authentication ({@link ClusterTls}); passwords come from the
 * environment, never from the command line.
 */
final class TlsOptions {

    @Option(names = "--tls-key-store", paramLabel = "FILE", description = "Run remoting over TLS with mutual "
            + "authentication: this node's key store (PKCS12), password in $" + ClusterTls.KEY_STORE_PASSWORD_ENV
            + ". Every node of the cluster must use TLS.")
    Path keyStore;

    @Option(names = "--tls-trust-store", paramLabel = "FILE", description = "The certificates of the nodes to "
            + "accept (PKCS12), password in $" + ClusterTls.TRUST_STORE_PASSWORD_ENV + " (default: the key store's).")
    Path trustStore;

    /** @return the checked TLS settings, or empty when TLS was not asked for */
    Optional<ClusterTls> tls(CommandLine commandLine) {
        if (keyStore == null && trustStore == null) {
            return Optional.empty();
        }
        if (keyStore == null || trustStore == null) {
            throw new CommandLine.ParameterException(commandLine,
                    "--tls-key-store and --tls-trust-store go together");
        }
        return Optional.of(ClusterTls.load(keyStore, trustStore, System.getenv()));
    }
}
