package dev.ringalloc.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link HttpServer} in its own JVM, started from this JVM's class path: waits for its URL, and on
 * {@link #stop()} sends SIGTERM and collects the statistics line it prints as it exits.
 */
final class ServerProcess {
    private static final long START_SECONDS = 60;
    private static final long STOP_SECONDS = 30;

    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<String> url = new CompletableFuture<>();
    private final Thread reader;

    /**
     * Starts {@code java jvmArgs -cp <this class path> HttpServer serverArgs}, its standard error merged into
     * its output.
     */
    ServerProcess(List<String> jvmArgs, List<String> serverArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HttpServer.class.getName());
        command.addAll(serverArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(this::readOutput, "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
                if (line.startsWith(HttpServer.LISTENING)) {
                    url.complete(line.substring(HttpServer.LISTENING.length()).split(" ")[0]);
                }
            }
        } catch (IOException e) {
            // the process ended: what it printed so far is in lines
        }
        url.completeExceptionally(new IOException("the server exited before it listened: " + String.join(" | ", lines)));
    }

    /** The server's URL, once it accepts connections. @throws IOException if it did not start */
    String awaitUrl() throws IOException, InterruptedException {
        try {
            return url.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the server did not listen within " + START_SECONDS + " s: " + lines);
        }
    }

    /**
     * Stops the server (SIGTERM, so it prints its statistics; killed if it has not exited in 30 s) and
     * returns the figures of its {@value HttpServer#STATS} line by key; empty if it printed none.
     */
    Map<String, String> stop() throws InterruptedException {
        // SIGTERM through the handle: Process.destroy() would also close our end of its output, losing the
        // statistics it prints as it exits.
        process.toHandle().destroy();
        if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        reader.join(TimeUnit.SECONDS.toMillis(STOP_SECONDS));
        Map<String, String> stats = new HashMap<>();
        synchronized (lines) {
            for (String line : lines) {
                if (line.startsWith(HttpServer.STATS)) {
                    for (String field : line.substring(HttpServer.STATS.length()).trim().split(" ")) {
                        int eq = field.indexOf('=');
                        stats.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                }
            }
        }
        return stats;
    }
}
