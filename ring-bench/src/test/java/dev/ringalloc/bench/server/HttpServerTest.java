package dev.ringalloc.bench.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.security.cert.X509Certificate;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpServerTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private int start(String... args) throws Exception {
        server = new HttpServer(HttpServer.Options.parse(args));
        return server.start();
    }

    @Test
    void answersWithABodyOfTheGivenSizeFromTheChosenAllocator() throws Exception {
        int port = start("--allocator", "ring", "--port", "0", "--threads", "1", "--body", "3000");
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();

        assertThat(c.getResponseCode()).isEqualTo(200);
        try (InputStream in = c.getInputStream()) {
            assertThat(in.readAllBytes()).hasSize(3000);
        }
        assertThat(server.stats()).startsWith(HttpServer.STATS).contains("allocator=ring", "fallbacks.RING_FULL=0")
                .containsPattern("vmRss=\\d+").containsPattern("peakDirectMemory=\\d+");
    }

    @Test
    void variedBodiesStayInTheirRange() throws Exception {
        int port = start("--allocator", "pooled", "--port", "0", "--body", "100-200");

        for (int i = 0; i < 20; i++) {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
            try (InputStream in = c.getInputStream()) {
                assertThat(in.readAllBytes().length).isBetween(100, 200);
            }
        }
    }

    @Test
    void gzipsForClientsThatAcceptIt() throws Exception {
        int port = start("--allocator", "adaptive", "--port", "0", "--gzip", "--body", "5000");
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
        c.setRequestProperty("Accept-Encoding", "gzip");

        assertThat(c.getHeaderField("Content-Encoding")).isEqualTo("gzip");
        try (InputStream in = new GZIPInputStream(c.getInputStream())) {
            assertThat(in.readAllBytes()).hasSize(5000);
        }
        assertThat(c.getContentLength()).isLessThan(5000);
    }

    @Test
    void servesHttpsWithItsSelfSignedCertificate() throws Exception {
        int port = start("--allocator", "unpooled", "--port", "0", "--tls", "--body", "64");
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://localhost:" + port + "/").openConnection();
        c.setSSLSocketFactory(trustingEveryCertificate().getSocketFactory());

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(((X509Certificate) c.getServerCertificates()[0]).getSubjectX500Principal().getName())
                .isEqualTo("CN=localhost");
        try (InputStream in = c.getInputStream()) {
            assertThat(in.readAllBytes()).hasSize(64);
        }
    }

    @Test
    void rejectsUnknownOptions() {
        assertThatThrownBy(() -> HttpServer.Options.parse("--allocator", "mystery"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mystery");
        assertThatThrownBy(() -> HttpServer.Options.parse("--body", "200-100"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static SSLContext trustingEveryCertificate() throws Exception {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustAll}, null);
        return context;
    }
}
