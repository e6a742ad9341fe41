import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

/**
 * A stand-in for the OpenClaw gateway, JDK only, for the build's class-data-sharing training run and the benchmarks.
 * Run as a single-file program: {@code java bench/StubGateway.java PORT_FILE [LOG_FILE [MAX_SECONDS]]}.
 *
 * <p>Listens on 127.0.0.1 on an ephemeral port and writes the port to PORT_FILE once it accepts connections.
 * {@code POST /tools/invoke} is accepted for every tool (an answer that both {@code message} and
 * {@code sessions_send} classify as accepted); {@code POST /notify} answers like the run's notify relay. Each request
 * is appended to LOG_FILE as one line {@code <arrival, ns since the epoch> TAB <path> TAB <body in base64>}, so that
 * a benchmark can time arrivals against other clocks. Exits by itself after MAX_SECONDS (default 3600).
 */
public final class StubGateway {
    private static final byte[] ACCEPTED =
            "{\"ok\":true,\"result\":{\"content\":[],\"details\":{\"ok\":true,\"status\":\"accepted\"}}}"
                    .getBytes(StandardCharsets.UTF_8);
    private static final byte[] RELAY_OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: java StubGateway.java PORT_FILE [LOG_FILE [MAX_SECONDS]]");
            System.exit(2);
        }
        Path portFile = Path.of(args[0]);
        PrintStream log = args.length > 1 ? new PrintStream(Files.newOutputStream(Path.of(args[1])), false,
                StandardCharsets.US_ASCII) : null;
        long maxSeconds = args.length > 2 ? Long.parseLong(args[2]) : 3600;

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> answer(exchange, log));
        server.start();
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
        Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(maxSeconds * 1000);
        server.stop(0);
        System.exit(0);
    }

    private static void answer(HttpExchange exchange, PrintStream log) throws IOException {
        Instant arrival = Instant.now();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        if (log != null) {
            synchronized (log) {
                long ns = arrival.getEpochSecond() * 1_000_000_000L + arrival.getNano();
                log.print(ns + "\t" + path + "\t" + Base64.getEncoder().encodeToString(body) + "\n");
                log.flush();
            }
        }
        byte[] answer = path.equals("/tools/invoke") ? ACCEPTED : path.equals("/notify") ? RELAY_OK : null;
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (answer == null) {
            exchange.sendResponseHeaders(404, -1);
        } else {
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
        exchange.close();
    }
}
