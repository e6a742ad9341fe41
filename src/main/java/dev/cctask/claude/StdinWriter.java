package dev.cctask.claude;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.PythonJson;
import dev.cctask.Threads;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one writer of a child's stdin: a single daemon thread that writes each line in turn, then closes the pipe. */
final class StdinWriter implements ClaudeInput {
    private static final Logger LOG = LoggerFactory.getLogger(StdinWriter.class);

    private final OutputStream stdin;
    private final ExecutorService writer;
    /** Set when a write failed: the child ended or closed stdin, so nothing more can reach it. */
    private volatile boolean broken;

    StdinWriter(OutputStream stdin, String threadName) {
        this.stdin = stdin;
        this.writer = Executors.newSingleThreadExecutor(r -> Threads.daemon(r, threadName));
    }

    /** {@code {"type":"user","message":{"role":"user","content":TEXT}}} and a newline, in UTF-8. */
    static byte[] userLine(String text) {
        ObjectNode line = PythonJson.mapper().createObjectNode().put("type", "user");
        line.putObject("message").put("role", "user").put("content", text);
        return bytes(line);
    }

    /**
     * {@code {"type":"control_response","response":{"subtype":"success","request_id":ID,"response":RESPONSE}}} and a
     * newline (CLAUDE-STREAM.md §8.3).
     */
    static byte[] controlResponseLine(String requestId, ObjectNode response) {
        ObjectNode line = PythonJson.mapper().createObjectNode().put("type", "control_response");
        line.putObject("response").put("subtype", "success").put("request_id", requestId).set("response", response);
        return bytes(line);
    }

    private static byte[] bytes(ObjectNode line) {
        try {
            return (PythonJson.mapper().writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings always serialises
        }
    }

    @Override
    public CompletableFuture<Boolean> send(String text, Runnable beforeWrite) {
        return queue(userLine(text), beforeWrite);
    }

    @Override
    public CompletableFuture<Boolean> respond(String requestId, ObjectNode response) {
        return queue(controlResponseLine(requestId, response), () -> { });
    }

    private CompletableFuture<Boolean> queue(byte[] line, Runnable beforeWrite) {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        submit(() -> written.complete(write(line, beforeWrite)), written);
        return written;
    }

    private boolean write(byte[] line, Runnable beforeWrite) {
        if (broken) {
            return false;
        }
        try {
            beforeWrite.run();
            stdin.write(line);
            stdin.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            // the child ended or closed stdin early; its exit status and stderr tell why
            LOG.debug("writing to Claude's stdin failed: {}", e.toString());
            return false;
        }
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
        }, null);
        writer.shutdown();
    }

    private synchronized void submit(Runnable write, CompletableFuture<Boolean> refused) {
        try {
            writer.execute(write);
        } catch (RejectedExecutionException closed) {
            if (refused != null) {
                refused.complete(false); // sent after close: stdin is gone
            }
        }
    }
}
