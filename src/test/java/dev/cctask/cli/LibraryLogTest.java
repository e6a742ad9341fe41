package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LibraryLogTest {
    @Test
    void aLibraryWarningInTheRunLogLooksLikeOurOwnLines() {
        PrintStream saved = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getLogger("dev.cctask.claude.ClaudeProcess").warn("reading Claude's stderr failed: {}", "x");
            LoggerFactory.getLogger("dev.cctask.claude.ClaudeProcess").info("not shown");
        } finally {
            System.setErr(saved);
        }
        assertEquals("⚠ reading Claude's stderr failed: x\n", buffer.toString(StandardCharsets.UTF_8));
    }
}
