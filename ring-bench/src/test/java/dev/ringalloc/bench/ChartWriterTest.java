package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ChartWriterTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void writesADecodablePngWithOnePanelPerTable() throws Exception {
        TableSpec a = new TableSpec("shortLived-w64", "1. Short-lived", "pooled", "B", "n");
        TableSpec b = new TableSpec("echo", "5. Echo", "pooled", "B", "n");
        Report report = new Report(List.of(a, b), List.of(
                new Measurement("shortLived-w64", "ring", "64", 0, 0, 1, List.of(3e7)),
                new Measurement("shortLived-w64", "pooled", "64", 0, 0, 8, List.of(1e7)),
                new Measurement("shortLived-w64", "ring", "1024", 0, 0, 1, List.of(2e7)),
                new Measurement("shortLived-w64", "pooled", "1024", 0, 0, 8, List.of(1e7)),
                new Measurement("echo", "ring", "1024", 0, 5, 2, List.of(7e5)),
                new Measurement("echo", "pooled", "1024", 0, 8, 16, List.of(7e5))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ChartWriter.write(report, "test chart", out);

        byte[] png = out.toByteArray();
        assertThat(png).startsWith(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isEqualTo(50 + 2 * 300);
        // The ring's bar (first series, red) is drawn somewhere in the first panel.
        boolean red = false;
        for (int y = 50; y < 350 && !red; y++) {
            for (int x = 0; x < 1000 && !red; x++) {
                red = image.getRGB(x, y) == 0xFFD62728;
            }
        }
        assertThat(red).isTrue();
    }

    @Test
    void writesAFileAndCopesWithNoMeasurements(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/chart.png");

        ChartWriter.write(new Report(List.of(), List.of()), "empty", file);

        assertThat(ImageIO.read(Files.newInputStream(file))).isNotNull();
    }

    @Test
    void niceCeilingRoundsUpToReadableAxisMaxima() {
        assertThat(ChartWriter.niceCeiling(1.1)).isEqualTo(2.0);
        assertThat(ChartWriter.niceCeiling(2.2)).isEqualTo(2.5);
        assertThat(ChartWriter.niceCeiling(3.3)).isEqualTo(5.0);
        assertThat(ChartWriter.niceCeiling(14)).isEqualTo(20.0);
        // Steps of 0.5, 0.5, 1 and 5: every grid label is round.
        assertThat(ChartWriter.ticksFor(2.0)).isEqualTo(4);
        assertThat(ChartWriter.ticksFor(2.5)).isEqualTo(5);
        assertThat(ChartWriter.ticksFor(5.0)).isEqualTo(5);
        assertThat(ChartWriter.ticksFor(20.0)).isEqualTo(4);
    }
}
