package dev.ringalloc.netty;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TLS context of the JDK's own provider (SunJSSE) with a self-signed certificate for {@code localhost}, which it
 * also trusts. The JDK has no public API that makes a certificate, so the JDK's {@code keytool} makes one, in a
 * child process, into a PKCS#12 key store in the given directory: nothing binary is kept in the repository.
 */
final class SelfSignedTls {

    private static final char[] PASSWORD = "ringalloc".toCharArray();

    private final SSLContext context;

    private SelfSignedTls(SSLContext context) {
        this.context = context;
    }

    /** Makes the key pair and certificate in {@code dir} and a TLS context over them. */
    static SelfSignedTls create(Path dir) throws Exception {
        Path store = dir.resolve("localhost.p12");
        Process keytool = new ProcessBuilder(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(1, TimeUnit.MINUTES) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return new SelfSignedTls(context);
    }

    /** A server-side engine of the JDK provider. */
    SSLEngine serverEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** A client-side engine of the JDK provider that checks the server's name. */
    SSLEngine clientEngine() {
        SSLEngine engine = context.createSSLEngine("localhost", 0);
        engine.setUseClientMode(true);
        javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** The provider behind the engines: the JDK's own. */
    String provider() {
        return context.getProvider().getName();
    }
}
