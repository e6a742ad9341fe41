package dev.cctask.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands one {@link GatewayStack} to every test class that asks for it ({@code @ExtendWith(SharedGateway.class)},
 * a {@code GatewayStack} parameter of {@code @BeforeAll}): the real gateway takes ≈ 25 s to start, so it starts once
 * per test run and stops (whole process tree, then its folder) when the run ends. A failed start is remembered,
 * so later classes fail at once instead of waiting again.
 */
final class SharedGateway implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedGateway.class);
    private static Stack started;
    private static Throwable failure;

    /** The stack and its folder; closing stops the gateway and the fakes, then deletes the folder. */
    private record Stack(GatewayStack stack, Path dir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stack.close();
            try (Stream<Path> files = Files.walk(dir)) { // walk does not follow the gateway's symlinks
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GatewayStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return get(context);
    }

    private static synchronized GatewayStack get(ExtensionContext context) {
        if (failure != null) {
            throw new AssertionError("the shared OpenClaw gateway failed to start earlier in this run", failure);
        }
        if (started == null) {
            try {
                Path dir = Files.createTempDirectory("cctask-e2e-gateway-");
                started = new Stack(GatewayStack.start(E2ePeers.locate(), dir), dir);
            } catch (IOException e) {
                failure = e;
                throw new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            }
            context.getRoot().getStore(NS).put("gateway", started);
        }
        return started.stack();
    }
}
