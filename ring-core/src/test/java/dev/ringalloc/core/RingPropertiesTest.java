package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One prefix and one size parser for every system property of the library. */
class RingPropertiesTest {

    private static final String KEY = RingProperties.PREFIX + "test.size";

    /** The JDK's System.Logger backend here is java.util.logging: what RingProperties logs lands in this list. */
    private final Logger julLogger = Logger.getLogger(RingProperties.class.getName());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureWarnings() {
        julLogger.addHandler(capture);
        julLogger.setUseParentHandlers(false);
    }

    @AfterEach
    void clear() {
        julLogger.removeHandler(capture);
        julLogger.setUseParentHandlers(true);
        System.clearProperty(KEY);
    }

    @Test
    void sizesTakeBinarySuffixesAndBlanks() {
        assertThat(RingProperties.parseSize("4096")).isEqualTo(4096);
        assertThat(RingProperties.parseSize(" 64k ")).isEqualTo(64L << 10);
        assertThat(RingProperties.parseSize("4M")).isEqualTo(4L << 20);
        assertThat(RingProperties.parseSize("2 g")).isEqualTo(2L << 30);
        assertThat(RingProperties.parseSize("-1")).isEqualTo(-1);
        for (String bad : new String[] {"", "k", "4 mb", "1.5m", "0x10", "9223372036854775807k", "twelve"}) {
            assertThatThrownBy(() -> RingProperties.parseSize(bad)).as(bad).isInstanceOf(NumberFormatException.class);
        }
    }

    @Test
    void aSetSizeWithinItsRangeIsUsed() {
        assertThat(RingProperties.size(KEY, 7, 1, 100)).as("unset: the default").isEqualTo(7);
        assertThat(logged).as("nothing logged for an unset property").isEmpty();
        System.setProperty(KEY, "64");
        assertThat(RingProperties.size(KEY, 7, 1, 100)).isEqualTo(64);
        System.setProperty(KEY, "1m");
        assertThat(RingProperties.size(KEY, 7, 1, 2 << 20)).isEqualTo(1 << 20);
    }

    @Test
    void aBadValueIsLoggedAndTheDefaultUsed() {
        String[] bad = {"lots", "0", "101", "1g", "-5", "99999999999999999999"};
        for (String value : bad) {
            System.setProperty(KEY, value);
            assertThat(RingProperties.size(KEY, 7, 1, 100)).as(value).isEqualTo(7);
        }
        assertThat(logged).hasSize(bad.length);
        LogRecord first = logged.get(0);
        assertThat(first.getLevel()).isEqualTo(Level.WARNING);
        assertThat(java.text.MessageFormat.format(first.getMessage(), first.getParameters()))
                .isEqualTo("-D" + KEY + "=lots: For input string: \"lots\"; using 7");
        assertThat(java.text.MessageFormat.format(logged.get(2).getMessage(), logged.get(2).getParameters()))
                .isEqualTo("-D" + KEY + "=101: outside [1, 100]; using 7");
    }

    @Test
    void flagsAreTrueOrFalseAndAnythingElseIsReported() {
        assertThat(RingProperties.flag(KEY, true)).as("unset").isTrue();
        System.setProperty(KEY, " FALSE ");
        assertThat(RingProperties.flag(KEY, true)).isFalse();
        System.setProperty(KEY, "True");
        assertThat(RingProperties.flag(KEY, false)).isTrue();
        assertThat(logged).isEmpty();
        System.setProperty(KEY, "ture");
        assertThat(RingProperties.flag(KEY, true)).as("a typo keeps the default, not false").isTrue();
        assertThat(logged).hasSize(1);
        assertThat(java.text.MessageFormat.format(logged.get(0).getMessage(), logged.get(0).getParameters()))
                .isEqualTo("-D" + KEY + "=ture: expected true or false; using true");
    }

    @Test
    void choicesAreMatchedIgnoringCaseAndAnythingElseIsReported() {
        assertThat(RingProperties.choice(KEY, "a", "a", "bee")).as("unset").isEqualTo("a");
        System.setProperty(KEY, " BEE");
        assertThat(RingProperties.choice(KEY, "a", "a", "bee")).as("spelled as the choice").isEqualTo("bee");
        assertThat(logged).isEmpty();
        System.setProperty(KEY, "c");
        assertThat(RingProperties.choice(KEY, "a", "a", "bee")).isEqualTo("a");
        assertThat(java.text.MessageFormat.format(logged.get(0).getMessage(), logged.get(0).getParameters()))
                .isEqualTo("-D" + KEY + "=c: expected one of a, bee; using a");
    }

    @Test
    void everyKeyHasTheLibrarysPrefix() {
        assertThatThrownBy(() -> RingProperties.size("ringalloc.capacity", 1, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(RingProperties.PREFIX);
        assertThatThrownBy(() -> RingProperties.get("capacity", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingProperties.size(KEY, 1, 5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Rings.CAPACITY_PROPERTY).isEqualTo("dev.ringalloc.capacity");
        assertThat(UnsafeAccess.NO_UNSAFE_PROPERTY).startsWith(RingProperties.PREFIX);
        assertThat(RingMemory.KIND_PROPERTY).startsWith(RingProperties.PREFIX);
        assertThat(RingMemory.DIRECTORY_PROPERTY).startsWith(RingProperties.PREFIX);
    }
}
