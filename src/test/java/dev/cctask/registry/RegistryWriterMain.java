package dev.cctask.registry;

import dev.cctask.registry.SessionRegistry.Completion;
import dev.cctask.registry.SessionRegistry.Registration;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A separate writer process for {@link SessionRegistryConcurrencyTest}: announces itself with {@code ready-<id>},
 * waits for the {@code go} file so that all writers start together, then registers and finishes one session.
 * Args: stateDir barrierDir id.
 */
public final class RegistryWriterMain {
    private RegistryWriterMain() {}

    public static void main(String[] args) throws Exception {
        Path stateDir = Path.of(args[0]);
        Path barrier = Path.of(args[1]);
        String id = args[2];
        Files.createFile(barrier.resolve("ready-" + id));
        while (!Files.exists(barrier.resolve("go"))) {
            Thread.sleep(5); // poll: the writers are separate processes
        }
        SessionRegistry registry = new SessionRegistry(stateDir, System.err::println);
        Registration r = new Registration(id, "label " + id, "task " + id, "/p", null, "/o", "run-" + id,
                ProcessHandle.current().pid());
        registry.register(r);
        registry.finish(r, new Completion("completed", id, 0.01, 0, 1, 1L, 1L));
    }
}
