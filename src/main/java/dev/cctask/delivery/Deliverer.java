package dev.cctask.delivery;

import dev.cctask.delivery.ItemStore.Taken;
import dev.cctask.delivery.Outbox.Item;
import dev.cctask.delivery.Outbox.Kind;
import dev.cctask.gateway.Bodies;
import dev.cctask.gateway.Outcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Sends outbox items until the gateway accepts them (SPEC §8.5, D13).
 *
 * <ul>
 *   <li>Items of one run go strictly in order: its wake is attempted only once its chat message was accepted or
 *       given up on, so the agent wakes after the chat shows the result.
 *   <li>Retryable outcomes back off 1, 2, 4 … s (capped at 60 s, ±20 % jitter); {@code Retry-After} is the minimum.
 *   <li>Permanent outcomes move the item to {@code failed/} at once; it is reported once, in that flush's report.
 *       So does a document that is not accepted, whatever the outcome: the full output as a file is an extra, and
 *       neither its refusal (a body too large, a channel without documents) nor a slow upload may hold back the
 *       wake. Only a 5xx answer gets it {@value #DOCUMENT_ATTEMPTS} attempts in all (1 and 2 s apart): the real
 *       gateway answers 500 for a moment while its session database is locked (after an agent turn).
 *   <li>Outcomes that need a configuration fix (401, 403, 404) stop the run's items for this flush; they stay
 *       pending, with the fix as their last error, for the next flush ({@code run-task deliver}) after the fix.
 *   <li>An item is removed only when accepted, so nothing is lost; a send whose answer was lost may repeat.
 *   <li>{@link #flushNow} (a person running {@code deliver}) tries every item once at once, whatever its backoff.
 *   <li>{@link #stop} ends a flush from another thread within moments (a signal to the runner); items stay.
 * </ul>
 */
public final class Deliverer {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** How many times a document is sent when the gateway answers 5xx (any other refusal: once). */
    static final int DOCUMENT_ATTEMPTS = 3;
    /** How soon to look again at an item another sender holds (a send takes at most 30 s, a document 60 s). */
    private static final Duration LOCK_POLL = Duration.ofMillis(250);

    static final String NO_TOKEN = "not attempted: no gateway token";
    static final String LOCKED = "being sent by another process";
    /** Why a wake is pending while its run's chat message is: the order at work, not a failure. */
    public static final String WAITING = "waiting for the earlier item of its run";
    static final String NOT_YET = "not attempted yet";

    public enum State {
        DELIVERED,
        PENDING,
        FAILED
    }

    /**
     * What became of one item in a flush.
     *
     * @param reason        the gateway's one-line description (pending, failed), or null when delivered
     * @param nextAttemptAt for pending items: not sent before this instant; else null
     * @param lastAnswer    the gateway's answer to this flush's last attempt (status and body for the log), or null
     */
    public record ItemReport(String id, Event event, Kind kind, State state, int attempts, String reason,
            Instant nextAttemptAt, Outcome lastAnswer) {}

    /** The result of a flush: what it delivered or gave up on, and everything still pending. */
    public record Report(List<ItemReport> items) {
        public Report {
            items = List.copyOf(items);
        }

        public int delivered() {
            return count(State.DELIVERED);
        }

        public int pending() {
            return count(State.PENDING);
        }

        public int failed() {
            return count(State.FAILED);
        }

        /** True when each of these items was delivered by this flush (e.g. a run's own message and wake). */
        public boolean allDelivered(Collection<Item> mine) {
            return deliveredOf(mine) == mine.size();
        }

        /** How many of these items this flush delivered. */
        public int deliveredOf(Collection<Item> mine) {
            return (int) mine.stream().filter(i -> items.stream()
                    .anyMatch(r -> r.id().equals(i.id()) && r.state() == State.DELIVERED)).count();
        }

        /** Two reports of the same outbox, e.g. expiry followed by a flush; pending items are taken from {@code later}. */
        public Report then(Report later) {
            List<ItemReport> all = new ArrayList<>(items.stream().filter(r -> r.state() != State.PENDING).toList());
            all.addAll(later.items());
            return new Report(all);
        }

        private int count(State state) {
            return (int) items.stream().filter(r -> r.state() == state).count();
        }
    }

    private final ItemStore outbox;
    private final Sender sender;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final CountDownLatch stop = new CountDownLatch(1);

    /**
     * @param outbox the outbox, or the items kept in memory when it cannot be written
     * @param sender the gateway, or null when there is no token: items stay pending, nothing is attempted
     */
    public Deliverer(ItemStore outbox, Sender sender) {
        this(outbox, sender, Clock.systemUTC(), null, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param sleeper waits between attempts; null for real time, cut short by {@link #stop}
     * @param random  uniform in [0, 1), for the backoff jitter
     */
    public Deliverer(ItemStore outbox, Sender sender, Clock clock, Sleeper sleeper, DoubleSupplier random) {
        this.outbox = outbox;
        this.sender = sender;
        this.clock = clock;
        this.sleeper = sleeper != null ? sleeper : d -> stop.await(d.toNanos(), TimeUnit.NANOSECONDS);
        this.random = random;
    }

    /**
     * Delivers pending items until none is left or the next attempt would fall after {@code deadline} from now.
     * Returns early, with what it has, when stopped or the thread is interrupted.
     */
    public Report flush(Duration deadline) throws IOException {
        return flush(deadline, false, List.of());
    }

    /**
     * Like {@link #flush}, but {@code first}, one run's items just queued (in order), are attempted before the outbox
     * is read: a run's own result does not wait for the listing of the outbox nor for older runs' items.
     */
    public Report flush(List<Item> first, Duration deadline) throws IOException {
        return flush(deadline, false, first);
    }

    /**
     * Like {@link #flush}, but every pending item is attempted at once, in order, however long its backoff still had
     * to run: a person ran {@code deliver}, presumably after fixing the gateway, and wants to know now.
     */
    public Report flushNow(Duration deadline) throws IOException {
        return flush(deadline, true, List.of());
    }

    /** Ends a flush in progress (from any thread) at its next wait or send; what is left stays pending. */
    public void stop() {
        stop.countDown();
    }

    private boolean stopped() {
        return stop.getCount() == 0 || Thread.currentThread().isInterrupted();
    }

    private Report flush(Duration deadline, boolean now, List<Item> first) throws IOException {
        Round round = new Round(now);
        if (sender == null) {
            return new Report(pendingReports(round, NO_TOKEN));
        }
        Instant end = clock.instant().plus(deadline);
        if (!first.isEmpty()) {
            deliverInOrder(first, round); // what is left of them is pending, and found in the listing below
        }
        while (!stopped()) {
            Instant wakeAt = null;
            for (List<Item> run : byRun(outbox.pending()).values()) {
                if (round.blockedRuns.contains(run.get(0).runId())) {
                    continue;
                }
                Instant next = deliverInOrder(run, round);
                if (next != null && (wakeAt == null || next.isBefore(wakeAt))) {
                    wakeAt = next;
                }
            }
            if (wakeAt == null || wakeAt.isAfter(end)) {
                break;
            }
            Duration wait = Duration.between(clock.instant(), wakeAt);
            if (!wait.isNegative() && !wait.isZero()) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return new Report(pendingReports(round, null));
    }

    /** What one flush has learnt so far. */
    private static final class Round {
        /** Whether each item's first attempt in this flush ignores its backoff ({@link #flushNow}). */
        final boolean now;
        /** Items attempted in this flush. */
        final Set<String> tried = new HashSet<>();
        final List<ItemReport> settled = new ArrayList<>();
        final Map<String, String> notes = new HashMap<>();
        final Map<String, Outcome> answers = new HashMap<>();
        /** Runs whose next item needs a configuration fix: not tried again in this flush. */
        final Set<String> blockedRuns = new HashSet<>();

        Round(boolean now) {
            this.now = now;
        }

        /** Not before its next attempt time, unless {@link #now} and not tried yet in this flush. */
        boolean waits(Item item, Instant at) {
            return item.nextAttemptAt().isAfter(at) && !(now && !tried.contains(item.id()));
        }

        ItemReport report(Item item, State state, String reason, Instant next) {
            return new ItemReport(item.id(), item.event(), item.kind(), state, item.attempts(), reason, next,
                    answers.get(item.id()));
        }
    }

    /**
     * Gives up on items older than {@code maxAge} (moved to {@code failed/}); {@code deliver} does this with
     * {@link Outbox#MAX_AGE} before flushing.
     */
    public Report expire(Duration maxAge) throws IOException {
        List<ItemReport> expired = new ArrayList<>();
        Instant limit = clock.instant().minus(maxAge);
        for (Item item : outbox.pending()) {
            if (item.createdAt().isBefore(limit)) {
                try (Taken claim = outbox.claim(item).orElse(null)) {
                    if (claim != null) {
                        String why = "expired: not delivered within " + maxAge.toDays() + " days"
                                + (claim.item().lastError() == null ? "" : " (last error: " + claim.item().lastError() + ")");
                        claim.moveToFailed(claim.item().withError(why));
                        expired.add(new Round(false).report(claim.item(), State.FAILED, why, null));
                    }
                }
            }
        }
        return new Report(expired);
    }

    /**
     * Sends the due items of one run, in order, stopping at the first one that is not settled.
     *
     * @return when to look at this run again, or null when all its items are settled
     */
    private Instant deliverInOrder(List<Item> run, Round round) throws IOException {
        String documentRefused = null;
        for (Item listed : run) {
            Instant now = clock.instant();
            if (stopped()) {
                return null;
            }
            if (round.waits(listed, now)) {
                return listed.nextAttemptAt();
            }
            try (Taken claim = outbox.claim(listed).orElse(null)) {
                if (claim == null) {
                    round.notes.put(listed.id(), LOCKED);
                    return now.plus(LOCK_POLL); // another sender has it, or it just went away
                }
                round.notes.remove(listed.id());
                Item item = claim.item();
                if (round.waits(item, now)) {
                    return item.nextAttemptAt(); // another sender tried it meanwhile
                }
                if (documentRefused != null && item.kind() == Kind.WAKE) { // its 📎 line no longer holds
                    String reason = documentRefused;
                    item = item.withBody(Bodies.withWakeText(item.body(), t -> Messages.documentRefused(t, reason)));
                    claim.save(item);
                }
                round.tried.add(item.id());
                Outcome outcome = send(item);
                round.answers.put(item.id(), outcome);
                if (outcome instanceof Outcome.Accepted) {
                    claim.remove();
                    round.settled.add(round.report(item, State.DELIVERED, null, null));
                } else if (outcome instanceof Outcome.Permanent
                        || item.kind() == Kind.DOCUMENT && !retriesDocument(item, outcome)) {
                    Item failed = item.afterAttempt(now, outcome.describe());
                    claim.moveToFailed(failed);
                    round.settled.add(round.report(failed, State.FAILED, outcome.describe(), null));
                    if (item.kind() == Kind.DOCUMENT) {
                        documentRefused = outcome.describe();
                    }
                } else if (outcome instanceof Outcome.NeedsFix) {
                    // not retried in this flush: kept, due at once, for the next flush after the fix
                    claim.save(item.afterAttempt(now, outcome.describe()));
                    round.notes.put(item.id(), outcome.describe());
                    round.blockedRuns.add(item.runId());
                    return null;
                } else {
                    Duration retryAfter = outcome instanceof Outcome.Retryable r ? r.retryAfter() : null;
                    // counted from the answer, not from before the send: Retry-After means "after this response"
                    Item retry = item.afterAttempt(clock.instant().plus(backoff(item.attempts() + 1, retryAfter)),
                            outcome.describe());
                    claim.save(retry);
                    return retry.nextAttemptAt();
                }
            }
        }
        return null;
    }

    /** A document the gateway answered 5xx, short of {@link #DOCUMENT_ATTEMPTS}: a moment's fault of the gateway. */
    private static boolean retriesDocument(Item document, Outcome outcome) {
        return outcome instanceof Outcome.Retryable r && r.httpStatus() >= 500
                && document.attempts() + 1 < DOCUMENT_ATTEMPTS;
    }

    private Outcome send(Item item) {
        try {
            return sender.send(item.transport(), item.body(), item.idempotencyKey());
        } catch (RuntimeException bug) {
            // a sender must classify every failure; if one slips through, keep the item and try again later
            return new Outcome.Retryable(-1, "sender error: " + Messages.errorText(bug), null);
        }
    }

    /** 1, 2, 4 … s for the 1st, 2nd, 3rd … failed attempt, capped at 60 s, ±20 % jitter, at least Retry-After. */
    Duration backoff(int failedAttempts, Duration retryAfter) {
        long baseMillis = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(failedAttempts - 1, 16));
        Duration wait = Duration.ofMillis(Math.round(baseMillis * (0.8 + 0.4 * random.getAsDouble())));
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }

    private static Map<String, List<Item>> byRun(List<Item> pending) {
        Map<String, List<Item>> runs = new LinkedHashMap<>();
        for (Item item : pending) {
            runs.computeIfAbsent(item.runId(), k -> new ArrayList<>()).add(item);
        }
        return runs;
    }

    /** The settled items, followed by everything still in the outbox with the reason it is still there. */
    private List<ItemReport> pendingReports(Round round, String reason) throws IOException {
        List<ItemReport> all = new ArrayList<>(round.settled);
        Map<String, Boolean> runBlocked = new HashMap<>();
        for (Item item : outbox.pending()) {
            boolean behind = runBlocked.put(item.runId(), true) != null;
            String why = reason != null ? reason
                    : round.notes.containsKey(item.id()) ? round.notes.get(item.id())
                    : item.lastError() != null ? item.lastError()
                    : behind ? WAITING
                    : NOT_YET;
            all.add(round.report(item, State.PENDING, why, item.nextAttemptAt()));
        }
        return all;
    }

}
