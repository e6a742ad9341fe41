import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.StandardCopyOption;

/**
 * A pretend OpenClaw gateway for examples/demo: it accepts {@code POST /tools/invoke} with the given token and
 * prints every chat message and wake it receives, so you can watch what a chat would show. Nothing leaves the
 * machine. Run as a single-file program with the jar (for Jackson) on the class path:
 *
 * <pre>java -cp target/run-task.jar examples/DemoGateway.java PORT_FILE TOKEN</pre>
 *
 * Listens on 127.0.0.1 on a free port and writes the port to PORT_FILE once it accepts connections. Runs until
 * killed.
 */
public final class DemoGateway {
    private static final ObjectMapper JSON = new ObjectMapper();
    // Non-ASCII as escapes: the source launcher compiles this file in the locale's charset (ASCII under LANG=C).
    private static final String CHAT = "\uD83D\uDCAC"; // speech balloon
    private static final String WAKE = "\uD83D\uDD14"; // bell
    private static final String BAR = "\u2502"; // box drawings light vertical
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java -cp run-task.jar DemoGateway.java PORT_FILE TOKEN");
            System.exit(2);
        }
        String expected = "Bearer " + args[1];
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/tools/invoke", exchange -> {
            try (exchange) {
                handle(exchange, expected);
            }
        });
        server.start();
        Path portFile = Path.of(args[0]);
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void handle(HttpExchange exchange, String expectedAuth) throws IOException {
        if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{\"error\":{\"message\":\"Unauthorized\",\"type\":\"unauthorized\"}}");
            return;
        }
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        JsonNode args = body.path("args");
        switch (body.path("tool").asText()) {
            case "message" -> show(CHAT + " chat " + args.path("channel").asText() + " " + args.path("target").asText()
                    + (args.has("threadId") ? " thread " + args.path("threadId").asText() : ""),
                    args.path("message").asText());
            case "sessions_send" -> show(WAKE + " wake " + args.path("sessionKey").asText()
                    + " (the agent would now summarise the result in the chat)", args.path("message").asText());
            default -> {
                reply(exchange, 404, "{\"ok\":false,\"error\":{\"type\":\"not_found\",\"message\":\"Tool not available: "
                        + body.path("tool").asText() + "\"}}");
                return;
            }
        }
        reply(exchange, 200, "{\"ok\":true,\"result\":{\"content\":[],\"details\":{\"ok\":true,\"status\":\"accepted\"}}}");
    }

    /** A header line, then the text indented, like a chat bubble. */
    private static synchronized void show(String header, String text) {
        OUT.println(header);
        text.lines().forEach(line -> OUT.println("   " + BAR + " " + line));
        OUT.println();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
