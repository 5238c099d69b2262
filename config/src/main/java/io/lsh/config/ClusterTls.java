package io.lsh.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.Objects;

/**
 * TLS for the cluster's remoting: Artery {@code tls-tcp} with mutual authentication, so only nodes holding a key the
 * others trust can join (Pekko's {@code ConfigSSLEngineProvider}: every node presents the key in its key store and
 * accepts peers whose certificate is in its trust store; host names are not verified, the trust store is the
 * membership list).
 *
 * @param keyStore           PKCS12 (or JKS) key store with this node's private key and certificate
 * @param keyStorePassword   password of the key store and of its key
 * @param trustStore         key store with the certificates of the nodes (or of the CA) to accept
 * @param trustStorePassword password of the trust store
 */
public record ClusterTls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    /** Environment variable holding the key store's password. */
    public static final String KEY_STORE_PASSWORD_ENV = "LSH_TLS_KEY_STORE_PASSWORD";
    /** Environment variable holding the trust store's password. */
    public static final String TRUST_STORE_PASSWORD_ENV = "LSH_TLS_TRUST_STORE_PASSWORD";

    /** Checks presence of every part. */
    public ClusterTls {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    }

    /**
     * The TLS settings of a node from its stores and the passwords in the environment, checked: both stores must
     * exist and open with their passwords, the key store must hold a private key, the trust store a certificate.
     *
     * @param keyStore   the key store file
     * @param trustStore the trust store file
     * @param env        the environment ({@link System#getenv()})
     * @throws SettingsException naming the file or variable that is missing or wrong
     */
    public static ClusterTls load(Path keyStore, Path trustStore, Map<String, String> env) {
        String keyPassword = password(env, KEY_STORE_PASSWORD_ENV, keyStore);
        String trustPassword = env.getOrDefault(TRUST_STORE_PASSWORD_ENV, keyPassword);
        KeyStore keys = open(keyStore, keyPassword, KEY_STORE_PASSWORD_ENV);
        KeyStore trusted = open(trustStore, trustPassword, TRUST_STORE_PASSWORD_ENV);
        try {
            boolean hasKey = false;
            for (var aliases = keys.aliases(); aliases.hasMoreElements(); ) {
                hasKey |= keys.isKeyEntry(aliases.nextElement());
            }
            if (!hasKey) {
                throw new SettingsException("TLS key store " + keyStore + " holds no private key");
            }
            boolean hasCertificate = false;
            for (var aliases = trusted.aliases(); aliases.hasMoreElements(); ) {
                hasCertificate |= trusted.getCertificate(aliases.nextElement()) != null;
            }
            if (!hasCertificate) {
                throw new SettingsException("TLS trust store " + trustStore + " holds no certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new SettingsException("TLS store " + keyStore + " cannot be read: " + e.getMessage());
        }
        return new ClusterTls(keyStore.toAbsolutePath(), keyPassword, trustStore.toAbsolutePath(), trustPassword);
    }

    /**
     * The same keys for HTTPS (the coordinator's artifact store and the workers' transfers): this node's key, and
     * only the trust store's certificates accepted.
     *
     * @return a TLS 1.3 context
     * @throws SettingsException when the stores cannot be read (they were checked by {@link #load})
     */
    public javax.net.ssl.SSLContext sslContext() {
        try {
            var keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keys.init(open(keyStore, keyStorePassword, KEY_STORE_PASSWORD_ENV), keyStorePassword.toCharArray());
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(open(trustStore, trustStorePassword, TRUST_STORE_PASSWORD_ENV));
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), new java.security.SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new SettingsException("TLS stores " + keyStore + ", " + trustStore + " cannot be used: "
                    + e.getMessage());
        }
    }

    private static String password(Map<String, String> env, String variable, Path store) {
        String value = env.get(variable);
        if (value == null || value.isEmpty()) {
            throw new SettingsException("TLS: set " + variable + " to the password of " + store);
        }
        return value;
    }

    private static KeyStore open(Path file, String password, String variable) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new SettingsException("TLS store " + file + " does not exist or is not readable");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException e) {
            throw new SettingsException("TLS store " + file + " cannot be opened (wrong password in " + variable
                    + ", or not a PKCS12/JKS key store): " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new SettingsException("TLS store " + file + " cannot be read: " + e.getMessage());
        }
    }
}
