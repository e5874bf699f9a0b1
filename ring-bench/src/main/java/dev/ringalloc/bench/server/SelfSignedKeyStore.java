package dev.ringalloc.bench.server;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * A self-signed certificate for {@code localhost}, made at start by the JDK's own {@code keytool} into a
 * temporary PKCS12 key store.
 *
 * <p>Why keytool: Netty's {@code SelfSignedCertificate} is deprecated in 4.2, and the JDK's certificate
 * classes are internal; keytool ships with every JDK, needs no dependency and no key committed.
 */
public final class SelfSignedKeyStore {
    private static final char[] PASSWORD = "ringalloc".toCharArray();

    private SelfSignedKeyStore() {
    }

    /** Key managers holding a fresh EC key and its self-signed certificate for localhost and 127.0.0.1. */
    public static KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("ringalloc-tls");
        Path file = dir.resolve("server.p12");
        try {
            Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-validity", "7", "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + output.trim());
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, PASSWORD);
            return kmf;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
