package dev.cctask.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ControlServerTest {
    private static ControlServer.Route recording(String name, List<String> seen) {
        return new ControlServer.Route() {
            @Override
            public int maxCodePoints() {
                return 5;
            }

            @Override
            public ControlServer.Reply handle(String text) {
                seen.add(name + ":" + text);
                return ControlServer.Reply.ok(null);
            }
        };
    }

    private static HttpResponse<String> post(ControlServer server, String path, String secret, String text)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(text));
        if (secret != null) {
            b.header("Authorization", "Bearer " + secret);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachRouteOfTheTableGetsItsOwnAuthenticatedTextWithinItsLimit() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ControlServer server = ControlServer.start(Map.of("/notify", recording("notify", seen),
                "/steer", recording("steer", seen)))) {
            assertEquals("{\"status\":\"ok\"}", post(server, "/steer", server.secret(), "left").body());
            assertEquals("{\"status\":\"ok\"}", post(server, "/notify", server.secret(), "ок ✅").body());
            HttpResponse<String> wrong = post(server, "/steer", "nope", "right");
            assertEquals(403, wrong.statusCode());
            assertEquals("{\"status\":\"error\",\"error\":\"wrong or missing relay secret\"}", wrong.body());
            HttpResponse<String> tooLong = post(server, "/notify", server.secret(), "123456");
            assertEquals(413, tooLong.statusCode());
            assertEquals("{\"status\":\"error\",\"error\":\"message too long: at most 5 characters\"}",
                    tooLong.body());
            assertEquals(404, post(server, "/approve", server.secret(), "yes").statusCode());
            assertEquals(List.of("steer:left", "notify:ок ✅"), seen);
        }
    }
}
