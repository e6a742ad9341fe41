package dev.cctask.claude;

import dev.cctask.PythonJson;
import dev.cctask.Threads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One Claude process with its stream: started with the prompt as the first message on its stdin, which stays open
 * for steered messages until the closing rule ends it ({@link ClosingInput}), its stdout parsed into a fresh
 * {@link RunState} over the run's {@link RunTotals}, and ended into an {@link Ended} value. A resume after a plan
 * usage limit starts another attempt over the same totals.
 */
public final class Attempt {
    /** What stopped an attempt. EXITED: Claude exited; DONE: it printed its final result but lingered too long. */
    public enum Stop { EXITED, DONE, TIMEOUT, CANCELLED }

    /**
     * After Claude's own exit, how long the sweep of what it left running waits: the final message goes out first
     * (its first attempt takes a few tens of milliseconds) instead of sharing two cores with the sweep.
     */
    static final Duration SWEEP_DELAY = Duration.ofMillis(150);

    /**
     * How an attempt ended.
     *
     * @param stop      what stopped it
     * @param exitCode  the child's exit code as the JVM reports it (143 SIGTERM, 137 SIGKILL); after {@link Stop#DONE}
     *                  the status Claude gives its result (CLAUDE-STREAM.md §3.4): 1 for an error result, else 0
     * @param stderr    what the child wrote to stderr (the first 1 MiB)
     * @param sessionId the session id of its first init, or null
     * @param leftovers how many processes other than Claude the final kill stopped; after Claude's own exit this
     *                  sweep runs beside the reporting, so the final message does not wait for it
     */
    public record Ended(Stop stop, int exitCode, String stderr, String sessionId, CompletableFuture<Integer> leftovers) {
        /** A run stopped before its attempt started: exit code unknown (−1), nothing said. */
        public static Ended notStarted(Stop stop) {
            return new Ended(stop, -1, "", null, CompletableFuture.completedFuture(0));
        }
    }

    /**
     * What a start needs.
     *
     * @param argv   the command line ({@link ClaudeCommand#argv})
     * @param cwd    the project directory
     * @param env    how the child's environment differs from the runner's
     * @param prompt the first message sent to stdin
     */
    public record Launch(List<String> argv, Path cwd, ClaudeProcess.ChildEnv env, String prompt) {}

    private final ClaudeProcess process;
    private final RunState state;
    private final ClosingInput input;

    private Attempt(ClaudeProcess process, RunState state, ClosingInput input) {
        this.process = process;
        this.state = state;
        this.input = input;
    }

    /**
     * Starts Claude.
     *
     * @param totals   the run's figures, which this attempt adds to
     * @param listener told of the session id and each assistant text, on the stream thread
     * @param onExit   run once when the child exits, on the thread that notices it
     */
    public static Attempt start(Launch launch, RunTotals totals, StreamParser.Listener listener, Runnable onExit)
            throws IOException {
        RunState state = new RunState(totals, System::nanoTime);
        StreamParser parser = new StreamParser(PythonJson.mapper(), state, listener);
        ClosingInput input = new ClosingInput(state,
                ClaudeCommand.stopsBackground(System.getenv(ClaudeCommand.BG_WAIT_CEILING)));
        ClaudeProcess process = ClaudeProcess.start(launch.argv(), launch.cwd(), launch.env(), (line, offset, length) -> {
            parser.accept(line, offset, length);
            input.closeIfDone();
        });
        input.open(process.input(), launch.prompt());
        process.onExit().thenRun(onExit);
        Threads.daemon(ProcessTree::warmUp, "process-tree-warm-up").start();
        return new Attempt(process, state, input);
    }

    public long pid() {
        return process.pid();
    }

    /** Whether Claude leads its own session and process group ({@code setsid} was found). */
    public boolean ownSession() {
        return process.ownSession();
    }

    /** This attempt's state (its figures include the earlier attempts' totals). */
    public RunState state() {
        return state;
    }

    /** Claude's stdin: open while Claude works, closed by the closing rule or the end of the attempt. */
    public ClaudeInput input() {
        return input;
    }

    /**
     * Stops Claude and everything it started (also after its own exit: nothing it started outlives the run, README
     * Security), waits at most {@code drain} for the rest of its output, and says how it ended.
     */
    public Ended end(Stop stop, Duration killGrace, Duration drain) throws InterruptedException, ExecutionException {
        if (stop != Stop.EXITED) {
            state.freezeTasks(); // what runs now was still running: Claude stops its tasks as it is killed
        }
        Executor stopper = Threads.starting("claude-stop");
        CompletableFuture<Integer> leftovers = CompletableFuture.supplyAsync(() -> process.killTree(killGrace).leftovers(),
                stop == Stop.EXITED ? CompletableFuture.delayedExecutor(SWEEP_DELAY.toMillis(), TimeUnit.MILLISECONDS,
                        stopper) : stopper);
        if (stop != Stop.EXITED) {
            leftovers.get(); // Claude itself is among what is stopped
        }
        int exitCode = process.onExit().get();
        input.close(); // after the kill: a timeout or cancel ends Claude by signal, not by the end of its input
        process.awaitDrains(drain);
        if (stop == Stop.DONE) { // the exit status Claude gives its result, not our kill's
            exitCode = state.lastResult().orElseThrow().isError() ? 1 : 0;
        }
        state.ended();
        return new Ended(stop, exitCode, process.stderr(), state.sessionId(), leftovers);
    }

    /**
     * The plan usage limit this attempt ended on, if it ended by itself (exited, or lingered after its result); an
     * attempt stopped by the timeout or a cancel ended on neither.
     */
    public Optional<UsageLimit> usageLimit(Ended ended) {
        return ended.stop() == Stop.EXITED || ended.stop() == Stop.DONE ? UsageLimit.of(state, ended.exitCode())
                : Optional.empty();
    }

    /** The crash path's stop: kills the tree if Claude still runs, collects nothing. */
    public void kill(Duration killGrace) {
        if (!process.onExit().isDone()) {
            process.killTree(killGrace);
        }
        input.close();
    }
}
