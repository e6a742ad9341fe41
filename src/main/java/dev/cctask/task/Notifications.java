package dev.cctask.task;

import dev.cctask.Threads;
import dev.cctask.Env;
import dev.cctask.claude.Progress;
import dev.cctask.claude.RunState;
import dev.cctask.delivery.Deliverer;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.ItemStore;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.MemoryOutbox;
import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.delivery.OutboxException;
import dev.cctask.gateway.GatewayClient;
import dev.cctask.gateway.Outcome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Everything a run says to the chat and the agent (SPEC §4, §5, §7, §8.5): best-effort launch, heartbeat, progress
 * and resume messages, the durable pause message (no wake), and the durable final message + wake through the outbox.
 */
final class Notifications implements AutoCloseable {
    /** A little over the 15 s call timeout of a {@code message} send. */
    static final Duration LAUNCH_WAIT = Duration.ofSeconds(16);

    private final RunPlan plan;
    private final String runId;
    private final Consumer<String> log;
    private final GatewayClient client;
    private final Outbox outbox;
    private volatile CompletableFuture<?> launch = CompletableFuture.completedFuture(null);
    private volatile Heartbeat heartbeat;
    /** The heartbeat's 🔐 part while Claude waits for an answer, else null (issue 18). */
    private volatile Supplier<String> approvalWaiting = () -> null;
    /** Permission requests go out one after the other, in order (issue 18). */
    private final ExecutorService approvals = Executors.newSingleThreadExecutor(
            r -> Threads.daemon(r, "run-task-approvals"));
    /** The permission requests' items queued so far, and their retries under way (guarded by {@code this}). */
    private final List<Outbox.Item> approvalItems = new ArrayList<>();
    private Deliverer approving;
    /** The final delivery under way, and whether a signal asked to end it (guarded by {@code this}). */
    private Deliverer delivering;
    /** The pause message under way and its items (guarded by {@code this}). */
    private Deliverer pausing;
    private List<Outbox.Item> pauseItems = List.of();
    private volatile boolean stopping;
    private volatile boolean lost;

    Notifications(RunPlan plan, String runId, Env env, Consumer<String> log) {
        this.plan = plan;
        this.runId = runId;
        this.log = log;
        boolean canSend = plan.gateway() != null && plan.gateway().problem() == null;
        this.client = canSend ? new GatewayClient(plan.gateway()) : null;
        this.outbox = new Outbox(Outbox.in(env.stateDir()).dir(), new LaterClock());
    }

    /**
     * The system clock, but each instant a millisecond after the one before at least: a run's items (its permission
     * requests, then its final message) sort in the order they were queued, however close together.
     */
    private static final class LaterClock extends Clock {
        private final Clock system = Clock.systemUTC();
        private Instant last = Instant.EPOCH;

        @Override
        public synchronized Instant instant() {
            Instant now = system.instant().truncatedTo(ChronoUnit.MILLIS);
            last = now.isAfter(last) ? now : last.plusMillis(1);
            return last;
        }

        @Override
        public ZoneId getZone() {
            return system.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** Whether chat messages (launch, heartbeats, progress) can be sent at all. */
    boolean chat() {
        return plan.route() != null && client != null;
    }

    void warnIfNothingConfigured(Path outputFile) {
        if (plan.route() == null && !plan.wakes()) {
            log.accept(LogLines.noDeliveryConfigured(outputFile.toString()));
        } else if (client == null) {
            log.accept(LogLines.noGatewayToken(plan.gateway().problem(), outbox.dir()));
        }
    }

    /** A start message (or, first, the queued one: issue 19; or the resume message after a pause), posted after the
     * one before it; the first heartbeat waits for it. */
    void launchAsync(String text) {
        if (chat()) {
            afterLaunch(() -> bestEffort(text, true));
        }
    }

    /** {@code send} after the launch message and what was chained after it; the result waits for them. */
    private synchronized void afterLaunch(Runnable send) {
        launch = launch.handle((done, failed) -> null).thenRunAsync(send, Threads.starting("run-task-launch"));
    }

    /** Completes when the launch call has finished (or at once when there is none). */
    CompletableFuture<?> launched() {
        return launch;
    }

    /**
     * The pause message (issue 15): durable like a final message, but without a wake. It is queued and tried once at
     * once (the chat shows it before the run resumes, however short the pause), then retried in the background while
     * the run waits. Without a writable outbox it is sent once, best effort.
     */
    void pauseNotice(String text) {
        if (plan.route() == null) {
            return;
        }
        awaitLaunch();
        List<Outbox.Item> mine;
        try {
            mine = outbox.enqueue(runId, Event.PAUSED, Drafts.of(text, plan.route(), WakeMode.NONE, null, runId));
        } catch (OutboxException e) {
            if (chat()) {
                bestEffort(text, false);
            }
            return;
        }
        synchronized (this) {
            pauseItems = mine;
        }
        if (client == null || deliverMine(new Deliverer(outbox, client::post), mine, Duration.ZERO)) {
            return;
        }
        Deliverer retries = new Deliverer(outbox, client::post);
        synchronized (this) {
            pausing = retries;
        }
        Threads.daemon(() -> deliverMine(retries, mine, Duration.ofSeconds(plan.options().deliveryDeadlineSeconds())),
                "run-task-pause").start();
    }

    /** Delivers (and logs) {@code mine} until the deadline; true when all of them were delivered. */
    private boolean deliverMine(Deliverer deliverer, List<Outbox.Item> mine, Duration deadline) {
        try {
            Deliverer.Report report = deliverer.flush(mine, deadline);
            logMine(report, mine);
            return report.allDelivered(mine);
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.outboxFlushFailed(Messages.errorText(e)));
            return false;
        }
    }

    /**
     * The pause ended (the run resumes, or ends): a pause message the gateway has not taken yet is withdrawn from the
     * outbox, as it would now arrive after what followed.
     */
    void endPause() {
        Deliverer deliverer;
        List<Outbox.Item> items;
        synchronized (this) {
            deliverer = pausing;
            items = pauseItems;
            pausing = null;
            pauseItems = List.of();
        }
        if (deliverer != null) {
            deliverer.stop();
        }
        remove(items);
    }

    /** Removes those of {@code items} still in the outbox (one being sent by another process stays). */
    private void remove(List<Outbox.Item> items) {
        for (Outbox.Item item : items) {
            try {
                Optional<Outbox.Claim> claim = outbox.claim(item);
                if (claim.isPresent()) {
                    try (Outbox.Claim c = claim.get()) {
                        c.remove();
                    }
                }
            } catch (IOException e) {
                log.accept(LogLines.outboxFlushFailed(Messages.errorText(e)));
            }
        }
    }

    /**
     * Heartbeats from now on (none without a chat), at k·interval after {@code spawnNanos}: the progress of
     * {@code attempt}, the run's working time ({@code workedSeconds}).
     */
    void beatSince(long spawnNanos, RunState attempt, LongSupplier workedSeconds) {
        if (chat()) {
            heartbeat = Heartbeat.sinceSpawn(spawnNanos, plan.options().heartbeatIntervalSeconds(), launched(), () -> {
                Progress p = attempt.heartbeatSnapshot();
                return Messages.heartbeat(new Messages.Heartbeat(workedSeconds.getAsLong(), p.idleSeconds(),
                        p.tokens(), p.toolCalls(), p.activity(), p.chunksSinceHeartbeat(), p.background(),
                        p.onlyBackground(), approvalWaiting.get()));
            }, text -> bestEffort(text, true));
        }
    }

    /** No more heartbeats, until the next {@link #beatSince}. */
    void stopBeats() {
        Heartbeat h = heartbeat;
        if (h != null) {
            h.close();
        }
    }

    /** A progress message from Claude through the notify relay (SPEC §14). */
    void progress(String text) {
        if (chat()) {
            bestEffort(Messages.progress(text), false);
        }
    }

    /** A message steered into the run (issue 17): the chat hears what Claude was told. */
    void steered(String text) {
        if (chat()) {
            bestEffort(Messages.steered(text), false);
        }
    }

    /** What the heartbeats show while Claude waits for an answer ({@link Messages#approvalWaiting}, or null). */
    void approvalWaiting(Supplier<String> part) {
        approvalWaiting = part;
    }

    /**
     * A permission request (issue 18): the 🔐 message, then the wake, durable like a final message and in order
     * with the run's other items. Queued and tried at once on the run's approvals thread, one request after the
     * other, then retried in the background ({@link #retryApprovals}); without a writable outbox the message is sent
     * once, best effort.
     */
    void approvalRequest(int n, String message, String wakePayload) {
        List<Outbox.Draft> drafts = Drafts.approval(message, wakePayload, plan.route(), plan.options().wake(),
                plan.options().sessionKey(), runId + ":approval:" + n);
        if (drafts.isEmpty()) {
            return;
        }
        approvals.execute(() -> {
            awaitLaunch();
            List<Outbox.Item> mine;
            try {
                mine = outbox.enqueue(runId, Event.APPROVAL, drafts);
            } catch (OutboxException e) {
                log.accept(LogLines.durabilityOff(e.getMessage()));
                if (chat()) {
                    bestEffort(message, false);
                }
                return;
            }
            boolean retrying;
            synchronized (this) {
                approvalItems.addAll(mine);
                retrying = approving != null;
            }
            if (client != null && (retrying || !deliverMine(new Deliverer(outbox, client::post), mine, Duration.ZERO))) {
                retryApprovals();
            }
        });
    }

    /**
     * Retries undelivered permission requests in the background, in order (the outbox's order within a run), until
     * the delivery deadline or the run's end; a retry under way takes the new ones too: none overtakes an earlier one.
     */
    private synchronized void retryApprovals() {
        if (approving != null) {
            return;
        }
        Deliverer retries = new Deliverer(outbox, client::post);
        approving = retries;
        Threads.daemon(() -> {
            try {
                retries.flush(Duration.ofSeconds(plan.options().deliveryDeadlineSeconds()));
            } catch (IOException | RuntimeException e) {
                log.accept(LogLines.outboxFlushFailed(Messages.errorText(e)));
            } finally {
                synchronized (this) {
                    if (approving == retries) {
                        approving = null;
                    }
                }
            }
        }, "run-task-approval-retries").start();
    }

    /**
     * The run is ending: a permission request the gateway has not taken yet is withdrawn from the outbox. It can no
     * longer be answered, and it would arrive after the result.
     */
    private void withdrawApprovals() {
        approvals.shutdownNow();
        Deliverer deliverer;
        synchronized (this) {
            deliverer = approving;
        }
        if (deliverer != null) {
            deliverer.stop();
        }
        try {
            approvals.awaitTermination(LAUNCH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Outbox.Item> items;
        synchronized (this) {
            items = List.copyOf(approvalItems);
            approvalItems.clear();
        }
        remove(items);
    }

    /**
     * A note about a permission request (answered, timed out), best effort (issue 18), on its own thread: the
     * answer can end the run at once, whose control server then stops the thread that took it. The result waits for
     * it ({@link #awaitLaunch}): the chat shows the answer before the result.
     */
    void approvalNote(String text) {
        if (chat()) {
            afterLaunch(() -> bestEffort(text, false));
        }
    }

    private void bestEffort(String text, boolean background) {
        boolean silent = background && "telegram".equals(plan.route().channel());
        try {
            logOutcome(Outbox.Kind.MESSAGE, client.sendMessage(plan.route(), text, silent));
        } catch (RuntimeException e) {
            log.accept(LogLines.messageSendReturned(-1, Messages.errorText(e)));
        }
    }

    /** Leftovers of earlier runs are retried in the background without delaying this launch (SPEC §8.5). */
    void flushOlderInBackground() {
        if (client == null) {
            return;
        }
        Threads.daemon(() -> {
            try {
                new Deliverer(outbox, client::post).flush(Duration.ofSeconds(plan.options().deliveryDeadlineSeconds()));
            } catch (IOException | RuntimeException e) {
                log.accept(LogLines.outboxFlushFailed(Messages.errorText(e)));
            }
        }, "run-task-outbox").start();
    }

    /**
     * Queues the final chat message and the wake, then delivers them until accepted or the deadline passes.
     * Without a writable outbox the items are kept in memory and retried all the same; what is still undelivered at
     * the end is lost, said loudly, and {@link #lostSome()} turns true.
     */
    void finalMessage(Event event, String message, Duration deadline) {
        finalMessage(event, message, null, deadline, CompletableFuture.completedFuture(null));
    }

    /**
     * {@link #finalMessage} with the full output as a document after the message (or null), sent once
     * {@code sendAfter} (work done beside the queueing) is done, whatever its end. The document is an extra: the run
     * counts as told when the message and the wake are delivered.
     */
    void finalMessage(Event event, String message, Attachment attachment, Duration deadline,
            CompletableFuture<?> sendAfter) {
        withdrawApprovals();
        awaitLaunch();
        List<Outbox.Draft> drafts = Drafts.of(message, attachment, plan.route(), plan.options().wake(),
                plan.options().sessionKey(), runId);
        if (drafts.isEmpty()) {
            return;
        }
        ItemStore store = outbox;
        List<Outbox.Item> mine;
        try {
            mine = outbox.enqueue(runId, event, drafts);
        } catch (OutboxException e) {
            log.accept(LogLines.durabilityOff(e.getMessage()));
            MemoryOutbox memory = new MemoryOutbox(runId, event, drafts, Clock.systemUTC());
            store = memory;
            mine = memory.pending();
        }
        sendAfter.handle((done, failed) -> null).join();
        Deliverer.Report report = client == null ? null : deliver(store, mine, deadline);
        List<Outbox.Item> told = mine.stream().filter(i -> i.kind() != Outbox.Kind.DOCUMENT).toList();
        if (report != null && report.allDelivered(told)) {
            log.accept(event == Event.RESUME_FAILED ? LogLines.resumeFailureNotified() : LogLines.sessionNotified());
        } else if (store != outbox) { // pending or given up, nothing keeps them beyond this process
            lost = true;
            log.accept(LogLines.deliveryLost(told.size() - (report == null ? 0 : report.deliveredOf(told))));
        } else if (report != null && report.pending() > 0) {
            log.accept(stopping ? LogLines.deliveryStopped(report.pending(), outbox.dir())
                    : LogLines.deliveryPending(report.pending(), outbox.dir()));
        }
    }

    /** Delivers until done, the deadline or {@link #stopDelivery}; null when it could not (said in the log). */
    private Deliverer.Report deliver(ItemStore store, List<Outbox.Item> mine, Duration deadline) {
        Deliverer deliverer = new Deliverer(store, client::post);
        synchronized (this) {
            delivering = deliverer;
            if (stopping) {
                deliverer.stop();
            }
        }
        try {
            Deliverer.Report report = deliverer.flush(mine, deadline);
            logMine(report, mine);
            return report;
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.deliveryPending(mine.size(), outbox.dir()) + " (" + Messages.errorText(e) + ")");
            return null;
        } finally {
            synchronized (this) {
                delivering = null;
            }
        }
    }

    /**
     * A signal came after the run had ended: the final delivery ends at once (a send under way is cancelled) and
     * its items stay in the outbox for {@code run-task deliver}.
     */
    void stopDelivery() {
        synchronized (this) {
            stopping = true;
            if (delivering != null) {
                delivering.stop();
            }
        }
        if (client != null) {
            client.cancelCalls();
        }
    }

    /** True when a final item could be neither delivered nor queued: the runner's exit status says so. */
    boolean lostSome() {
        return lost;
    }

    /** The chat shows "started" before the result: wait for the launch call (its own timeout bounds this). */
    private void awaitLaunch() {
        try {
            launch.get(LAUNCH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort: a failed or slow launch message does not hold the result back any longer
        }
    }

    private void logMine(Deliverer.Report report, List<Outbox.Item> mine) {
        report.items().stream().filter(r -> mine.stream().anyMatch(i -> i.id().equals(r.id()))).forEach(this::logItem);
    }

    private void logItem(Deliverer.ItemReport r) {
        if (r.lastAnswer() != null) {
            logOutcome(r.kind(), r.lastAnswer());
        } else if (r.kind() == Outbox.Kind.DOCUMENT) {
            return; // not attempted (it waits behind its message): the message's line says why
        } else if (r.state() == Deliverer.State.PENDING && r.kind() == Outbox.Kind.WAKE
                && Deliverer.WAITING.equals(r.reason())) {
            log.accept(LogLines.wakeHeldBack());
        } else if (r.state() != Deliverer.State.DELIVERED) {
            log.accept(r.kind() == Outbox.Kind.WAKE ? LogLines.sessionsSendReturned(-1, r.reason())
                    : LogLines.messageSendReturned(-1, r.reason()));
        }
    }

    /**
     * SPEC §7.5 log lines: the HTTP status and the gateway's own answer (or what went wrong without one). A message
     * failure also says how to fix it; the wake line carries the spec's own hint.
     */
    private void logOutcome(Outbox.Kind kind, Outcome outcome) {
        if (outcome.accepted()) {
            if (kind == Outbox.Kind.WAKE) {
                log.accept(plan.options().wake() == WakeMode.HOOKS ? LogLines.agentWokenViaHooks()
                        : LogLines.agentNotifiedViaSessionsSend());
            }
            return;
        }
        if (kind == Outbox.Kind.DOCUMENT) {
            log.accept(LogLines.documentSendReturned(outcome.httpStatus(),
                    outcome.body() != null ? outcome.body() : outcome.describe()));
        } else if (outcome.body() == null) {
            log.accept(kind == Outbox.Kind.WAKE ? LogLines.sessionsSendReturned(outcome.httpStatus(), outcome.describe())
                    : LogLines.messageSendReturned(outcome.httpStatus(), outcome.describe()));
        } else if (kind == Outbox.Kind.WAKE) {
            log.accept(LogLines.sessionsSendReturned(outcome.httpStatus(), outcome.body()));
        } else {
            int fix = outcome.describe().indexOf(" — ");
            log.accept(LogLines.messageSendReturned(outcome.httpStatus(), outcome.body())
                    + (fix < 0 ? "" : outcome.describe().substring(fix)));
        }
    }

    @Override
    public void close() {
        approvals.shutdownNow();
        if (client != null) {
            client.close();
        }
    }
}
