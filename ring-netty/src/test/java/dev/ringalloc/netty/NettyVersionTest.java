package dev.ringalloc.netty;

import io.netty.util.Version;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The tests run against the Netty version the build selected (4.2 by default, 4.1 under -Pnetty41). */
class NettyVersionTest {

    @Test
    void runsAgainstTheSelectedNetty() {
        String expected = System.getProperty("ringalloc.expectedNettyVersion");
        assumeTrue(expected != null, "run by Maven, which sets the expected version");
        assertThat(Version.identify().get("netty-buffer").artifactVersion()).isEqualTo(expected);
        assertThat(Version.identify().get("netty-common").artifactVersion()).isEqualTo(expected);
        System.out.println("ring-netty tests run against Netty " + expected);
    }
}
