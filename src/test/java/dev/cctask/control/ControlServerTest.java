package dev.cctask.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControlServerTest {
    private static ControlServer.Route route(ControlServer.Caller caller, String name, List<String> seen,
            CountDownLatch entered, CountDownLatch release) {
        return new ControlServer.Route() {
            @Override
            public ControlServer.Caller caller() {
                return caller;
            }

            @Override
            public int maxBytes() {
                return 5;
            }

            @Override
            public ControlServer.Reply handle(String text) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(name + ":" + text);
                return ControlServer.Reply.ok(null);
            }
        };
    }

    private static ControlServer.Route route(ControlServer.Caller caller, String name, List<String> seen) {
        return route(caller, name, seen, new CountDownLatch(1), new CountDownLatch(0));
    }

    private static HttpResponse<String> post(ControlServer server, String path, String secret, String text)
            throws Exception {
        return HttpClient.newHttpClient().send(request(server, path, secret, text), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(ControlServer server, String path, String secret, String text) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(text));
        if (secret != null) {
            b.header("Authorization", "Bearer " + secret);
        }
        return b.build();
    }

    @Test
    void eachRouteTakesOnlyItsCallersSecretAndABodyWithinItsLimit() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ControlServer server = ControlServer.start(Map.of(
                "/notify", route(ControlServer.Caller.CLAUDE, "notify", seen),
                "/steer", route(ControlServer.Caller.RUN_TASK, "steer", seen)))) {
            String claude = server.secret(ControlServer.Caller.CLAUDE);
            String control = server.secret(ControlServer.Caller.RUN_TASK);
            assertNotEquals(claude, control);
            assertTrue(control.matches("[0-9a-f]{32}"), control);
            assertEquals("{\"status\":\"ok\"}", post(server, "/steer", control, "left").body());
            assertEquals("{\"status\":\"ok\"}", post(server, "/notify", claude, "ок").body());

            HttpResponse<String> notifySecretOnSteer = post(server, "/steer", claude, "right");
            assertEquals(403, notifySecretOnSteer.statusCode());
            assertEquals("{\"status\":\"error\",\"error\":\"wrong or missing control secret\"}",
                    notifySecretOnSteer.body());
            HttpResponse<String> controlSecretOnNotify = post(server, "/notify", control, "hi");
            assertEquals(403, controlSecretOnNotify.statusCode());
            assertEquals("{\"status\":\"error\",\"error\":\"wrong or missing relay secret\"}",
                    controlSecretOnNotify.body());
            assertEquals(403, post(server, "/steer", null, "x").statusCode());

            HttpResponse<String> tooLong = post(server, "/steer", control, "123456");
            assertEquals(413, tooLong.statusCode());
            assertEquals("{\"status\":\"error\",\"error\":\"message too long: at most 5 bytes\"}", tooLong.body());
            assertEquals(404, post(server, "/approve", control, "yes").statusCode());
            assertEquals(List.of("steer:left", "notify:ок"), seen);
        }
    }

    @Test
    void aSecondControlRequestWhileOneIsServedIs429WithRetryAfter() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ControlServer server = ControlServer.start(Map.of(
                "/steer", route(ControlServer.Caller.RUN_TASK, "steer", seen, entered, release),
                "/notify", route(ControlServer.Caller.CLAUDE, "notify", seen)))) {
            String control = server.secret(ControlServer.Caller.RUN_TASK);
            CompletableFuture<HttpResponse<String>> first = HttpClient.newHttpClient().sendAsync(
                    request(server, "/steer", control, "one"), HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the first is being served");

            HttpResponse<String> second = post(server, "/steer", control, "two");
            assertEquals(429, second.statusCode());
            assertEquals("1", second.headers().firstValue("Retry-After").orElse(null));
            assertEquals("{\"status\":\"error\",\"error\":\"busy: the run serves one control request at a time\"}",
                    second.body());
            assertEquals(200, post(server, "/notify", server.secret(ControlServer.Caller.CLAUDE), "n").statusCode(),
                    "Claude's notify is not held up");

            release.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(200, post(server, "/steer", control, "three").statusCode(), "free again");
            assertEquals(List.of("notify:n", "steer:one", "steer:three"), seen);
        }
    }
}
