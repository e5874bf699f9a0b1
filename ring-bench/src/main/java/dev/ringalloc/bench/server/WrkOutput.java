package dev.ringalloc.bench.server;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a wrk run printed (wrk 4, with {@code --latency}): requests per second, the 99th percentile of
 * latency, and whether any request failed.
 *
 * @param requestsPerSecond wrk's {@code Requests/sec}
 * @param p99Millis         the {@code 99%} line of the latency distribution, in ms; NaN without {@code --latency}
 * @param errors            wrk's non-2xx/3xx responses plus socket errors
 */
public record WrkOutput(double requestsPerSecond, double p99Millis, long errors) {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("^\\s+99%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** Parses wrk's output. @throws IllegalArgumentException if it has no {@code Requests/sec} line */
    public static WrkOutput parse(String output) {
        Matcher rate = RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalArgumentException("no Requests/sec in wrk's output: " + output.trim());
        }
        double p99 = Double.NaN;
        Matcher m = P99.matcher(output);
        if (m.find()) {
            double factor = m.group(2).equals("us") ? 1e-3 : m.group(2).equals("s") ? 1e3 : 1;
            p99 = Double.parseDouble(m.group(1)) * factor;
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET.matcher(output);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return new WrkOutput(Double.parseDouble(rate.group(1)), p99, errors);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,.0f req/s, p99 %.2f ms%s", requestsPerSecond, p99Millis,
                errors > 0 ? ", " + errors + " errors" : "");
    }
}
