package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChartWriterTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void writesADecodablePngWithOnePanelPerTableAndTheRingInItsColour() throws Exception {
        TableSpec a = ShortLivedBenchmark.table("64");
        TableSpec b = EchoBenchmark.table();
        Report report = new Report(List.of(a, b), List.of(
                new Measurement("shortLived-w64", "ring", "64", 0, 0, 1, List.of(3e7)),
                new Measurement("shortLived-w64", "pooled", "64", 0, 0, 8, List.of(1e7)),
                new Measurement("shortLived-w64", "floor", "64", 0, 0, 8, List.of(1e8)),
                new Measurement("shortLived-w64", "ring", "1024", 0, 0, 1, List.of(2e7)),
                // pooled missing at 1 KiB: no bar, no failure
                new Measurement("echo", "ring", "1024", 0, 5, 2, List.of(7e5)),
                new Measurement("echo", "pooled", "1024", 0, 8, 16, List.of(7e5))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ChartWriter.write(report, "test chart", out);

        byte[] png = out.toByteArray();
        assertThat(png).startsWith(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(ChartWriter.WIDTH);
        assertThat(image.getHeight()).isEqualTo(2 * ChartWriter.PANEL_HEIGHT);
        assertThat(ringPixels(image, 0, ChartWriter.PANEL_HEIGHT)).as("ring's bars in panel 1").isGreaterThan(100);
        assertThat(ringPixels(image, ChartWriter.PANEL_HEIGHT, 2 * ChartWriter.PANEL_HEIGHT))
                .as("ring's bar in panel 2").isGreaterThan(100);
    }

    @Test
    void writesAFileAndCopesWithNoMeasurements(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/chart.png");

        ChartWriter.write(new Report(List.of(), List.of()), "empty", file);

        BufferedImage image = ImageIO.read(Files.newInputStream(file));
        assertThat(image.getHeight()).isEqualTo(ChartWriter.PANEL_HEIGHT);
        assertThat(ringPixels(image, 0, image.getHeight())).isZero();
    }

    private static int ringPixels(BufferedImage image, int fromY, int toY) {
        int n = 0;
        for (int y = fromY; y < toY; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xFFFFFF) == ChartWriter.RING.getRGB() - 0xFF000000 ? 1 : 0;
            }
        }
        return n;
    }
}
