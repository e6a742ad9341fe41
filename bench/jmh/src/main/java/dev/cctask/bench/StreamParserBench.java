package dev.cctask.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cctask.claude.RunState;
import dev.cctask.claude.StreamParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link StreamParser#accept} on one thread, over a corpus of stream-json lines held in memory:
 * {@code bulk} is what examples/fake-claude's FAKE_CLAUDE_BULK_MB streams (text deltas and Bash tool calls, the
 * bulk of a real stream), {@code fixtures} the recorded Claude CLI transcripts of src/test/resources.
 * One operation parses the whole corpus with a fresh parser and state (one ObjectMapper, as in a run);
 * bench/parser_jmh.py turns operations/s into MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
public class StreamParserBench {
    private static final String SESSION = "00000000-0000-4000-8000-000000000000";
    static final String DELTA = "{\"type\":\"stream_event\",\"event\":{\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Lorem ipsum dolor sit amet, consectetur adipiscing elit,"
            + " sed do eiusmod tempor incididunt.\"}},\"session_id\":\"" + SESSION + "\",\"parent_tool_use_id\":null}";
    static final String TOOL = "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_fake_bulk\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"claude-opus-5-5\",\"content\":[{\"type\":\"tool_use\","
            + "\"id\":\"toolu_fake_bulk\",\"name\":\"Bash\",\"input\":{\"command\":\"echo bulk\",\"description\":"
            + "\"Bulk output\"}}],\"usage\":{\"input_tokens\":100,\"output_tokens\":1}},\"parent_tool_use_id\":null,"
            + "\"session_id\":\"" + SESSION + "\"}";

    @Param({"bulk", "fixtures"})
    public String corpus;

    /** Where the project is; parser_jmh.py passes it as -Dproject.dir. */
    private static final Path PROJECT = Path.of(System.getProperty("project.dir", "../.."));

    /** Each line's UTF-8 bytes, as the reader hands them to the parser. */
    private byte[][] lines;
    private final ObjectMapper mapper = new ObjectMapper();

    @Setup
    public void load() throws IOException {
        List<String> all = new ArrayList<>();
        if (corpus.equals("bulk")) {
            for (int i = 0; i < 10_000; i++) {
                all.add(DELTA);
                all.add(TOOL);
            }
        } else {
            // the transcripts are small: repeated, so that an operation is long enough to time
            List<String> once = new ArrayList<>();
            try (Stream<Path> files = Files.list(PROJECT.resolve("src/test/resources/fixtures/claude"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        if (!line.isBlank()) {
                            once.add(line.strip());
                        }
                    }
                }
            }
            for (int i = 0; i < 20; i++) {
                all.addAll(once);
            }
        }
        lines = all.stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        long bytes = 0;
        for (byte[] l : lines) {
            bytes += l.length + 1;
        }
        // parser_jmh.py reads this line to turn operations/s into MB/s
        System.out.println("corpus " + corpus + ": " + lines.length + " lines, " + bytes + " bytes");
    }

    @Benchmark
    public RunState parse() {
        RunState state = new RunState();
        StreamParser parser = new StreamParser(mapper, state, new StreamParser.Listener() { });
        for (byte[] line : lines) {
            parser.accept(line, 0, line.length);
        }
        return state;
    }
}
