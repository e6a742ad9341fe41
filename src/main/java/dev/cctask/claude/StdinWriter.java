package dev.cctask.claude;

import dev.cctask.Threads;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one writer of a child's stdin: a single daemon thread that writes each item in turn, then closes the pipe. */
final class StdinWriter implements ClaudeInput {
    private static final Logger LOG = LoggerFactory.getLogger(StdinWriter.class);

    private final OutputStream stdin;
    private final ClaudeCommand.InputMode mode;
    private final ExecutorService writer;
    /** Set when a write failed: the child ended or closed stdin, so nothing more can reach it. */
    private volatile boolean broken;

    StdinWriter(OutputStream stdin, ClaudeCommand.InputMode mode, String threadName) {
        this.stdin = stdin;
        this.mode = mode;
        this.writer = Executors.newSingleThreadExecutor(r -> Threads.daemon(r, threadName));
    }

    @Override
    public void send(String text) {
        submit(() -> {
            if (!broken) {
                try {
                    stdin.write(mode.encode(text));
                    stdin.flush();
                } catch (IOException e) {
                    broken = true;
                    // the child ended or closed stdin early; its exit status and stderr tell why
                    LOG.debug("writing to Claude's stdin failed: {}", e.toString());
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        if (writer.isShutdown()) {
            return;
        }
        submit(() -> {
            try {
                stdin.close();
            } catch (IOException e) {
                LOG.debug("closing Claude's stdin failed: {}", e.toString());
            }
        });
        writer.shutdown();
    }

    private synchronized void submit(Runnable write) {
        try {
            writer.execute(write);
        } catch (RejectedExecutionException closed) {
            // sent after close: stdin is gone
        }
    }
}
