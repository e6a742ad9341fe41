package dev.cctask.gateway;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Session key → chat route (SPEC §6, GATEWAY.md §7). Pure string work: no I/O.
 *
 * <p>Grammar: {@code agent:<agentId>:<channel>:<kind>:<peer>[:thread:<id>|:topic:<id>]} or the
 * per-account DM form {@code agent:<agentId>:<channel>:<account>:direct:<peer>}; the peer may contain {@code :}.
 */
public final class Routes {
    private static final String THREAD = ":thread:";
    private static final String TOPIC = ":topic:";
    private static final Set<String> KINDS = Set.of("group", "channel", "direct", "dm");
    private static final Set<String> DIRECT = Set.of("direct", "dm");
    private static final String[] PREFIXED_PEERS = {"channel:", "user:", "group:"};

    private Routes() {}

    /**
     * Steps 1–8 of SPEC §6. Overrides apply only when both {@code overrideChannel} and {@code overrideTarget} are
     * given (the CLI rejects a lone one); they work without a key [P10]. {@code overrideThreadId} sets the thread of
     * whatever route results.
     */
    public static Optional<Route> resolve(
            String sessionKey, String overrideChannel, String overrideTarget, String overrideThreadId) {
        Route route = isBlank(sessionKey) ? null : fromKey(sessionKey);
        if (!isBlank(overrideChannel) && !isBlank(overrideTarget)) {
            route = new Route(overrideChannel.toLowerCase(Locale.ROOT), overrideTarget, null, null, "chat");
        }
        if (route != null && !isBlank(overrideThreadId)) {
            route = new Route(route.channel(), route.target(), overrideThreadId, route.accountId(), route.kind());
        }
        return Optional.ofNullable(route);
    }

    /** What a malformed key looks like instead, for {@link #malformed}. */
    public static final String EXPECTED_SHAPE = "agent:<agentId>:<channel>:<kind>:<peer>[:thread:<id>|:topic:<id>]"
            + " (e.g. agent:main:telegram:group:-1001234567890), or agent:<agentId>:main";

    /**
     * Why a session key cannot name any session, or null when it is well-formed. A well-formed key without a chat
     * route ({@code agent:main:main}, {@code hook:…}, {@code cron:…}) is fine: it still gets the wake (§6). Malformed:
     * no {@code <namespace>:} prefix, an {@code agent:} key without agent id and session, an empty segment, or a
     * chat kind without its peer.
     */
    public static String malformed(String key) {
        if (isBlank(key)) {
            return null;
        }
        String[] seg = agentSegments(key);
        if (key.regionMatches(true, 0, "agent:", 0, 6)) {
            if (seg == null || seg[1].isEmpty()) {
                return "an agent: key needs an agent id and a session";
            }
            String[] base = splitSuffix(String.join(":", Arrays.copyOfRange(seg, 2, seg.length))).base().split(":", -1);
            int last = base.length - 1;
            String kind = base[last].isEmpty() && last > 0 ? base[last - 1] : base[last];
            if (KINDS.contains(lower(kind))) {
                return "it names a chat kind (" + kind + ") but no peer after it";
            }
            if (Arrays.asList(base).contains("")) {
                return "it has an empty segment";
            }
            return null;
        }
        int colon = key.indexOf(':');
        return colon <= 0 || colon == key.length() - 1 ? "it is not <namespace>:<session>" : null;
    }

    /** The key without its {@code :thread:…}/{@code :topic:…} suffix (the wake fallback, P4); the same key when none. */
    public static String parentKey(String key) {
        return key == null ? null : splitSuffix(key).base();
    }

    /** Segment 2 of an {@code agent:} key (the agent id), or null for other keys. */
    public static String agentId(String key) {
        String[] seg = agentSegments(key);
        return seg == null ? null : seg[1];
    }

    private static Route fromKey(String key) {
        Route route = fromGrammar(key);
        return route != null ? route : legacyWhatsAppGroup(key);
    }

    /** Steps 2–6. */
    private static Route fromGrammar(String key) {
        String[] seg = agentSegments(key);
        if (seg == null) {
            return null;
        }
        Suffix suffix = splitSuffix(String.join(":", Arrays.copyOfRange(seg, 2, seg.length)));
        String[] r = suffix.base().split(":", -1);
        String channel;
        String accountId = null;
        String kind;
        String peer;
        if (r.length >= 4 && DIRECT.contains(lower(r[2]))) {
            channel = r[0];
            accountId = r[1];
            kind = "direct";
            peer = String.join(":", Arrays.copyOfRange(r, 3, r.length));
        } else if (r.length >= 3 && KINDS.contains(lower(r[1]))) {
            channel = r[0];
            kind = DIRECT.contains(lower(r[1])) ? "direct" : lower(r[1]);
            peer = String.join(":", Arrays.copyOfRange(r, 2, r.length));
        } else {
            return null;
        }
        if (channel.isEmpty() || peer.isEmpty()) {
            return null;
        }
        channel = lower(channel);
        return new Route(channel, target(channel, kind, peer), suffix.threadId(), emptyToNull(accountId), kind);
    }

    /** Step 6: the channel-specific target of a peer. */
    private static String target(String channel, String kind, String peer) {
        for (String prefix : PREFIXED_PEERS) {
            if (peer.startsWith(prefix)) {
                return peer;
            }
        }
        boolean direct = kind.equals("direct");
        return switch (channel) {
            case "discord", "slack" -> (direct ? "user:" : "channel:") + peer;
            case "signal" -> direct ? peer : "group:" + peer;
            default -> peer;
        };
    }

    /** Step 7: the original's rule, the first {@code :}-segment containing {@code @g.us}. */
    private static Route legacyWhatsAppGroup(String key) {
        for (String segment : key.split(":", -1)) {
            if (segment.contains("@g.us")) {
                return new Route("whatsapp", segment, null, null, "group");
            }
        }
        return null;
    }

    /** The {@code :}-segments of an {@code agent:} key with at least 3 segments (step 2), else null. */
    private static String[] agentSegments(String key) {
        if (key == null || !key.regionMatches(true, 0, "agent:", 0, 6)) {
            return null;
        }
        String[] seg = key.split(":", -1);
        return seg.length >= 3 ? seg : null;
    }

    private record Suffix(String base, String threadId) {}

    /** Steps 3–4: split off the last {@code :thread:} then the last {@code :topic:} (case-insensitive). */
    private static Suffix splitSuffix(String s) {
        String threadId = null;
        int at = lastIndexOfIgnoreCase(s, THREAD);
        if (at >= 0) {
            threadId = emptyToNull(s.substring(at + THREAD.length()));
            s = s.substring(0, at);
        }
        at = lastIndexOfIgnoreCase(s, TOPIC);
        if (at >= 0) {
            if (threadId == null) {
                threadId = emptyToNull(s.substring(at + TOPIC.length()));
            }
            s = s.substring(0, at);
        }
        return new Suffix(s, threadId);
    }

    /** Index-safe case-insensitive search (lower-casing may change a string's length). */
    private static int lastIndexOfIgnoreCase(String s, String needle) {
        for (int i = s.length() - needle.length(); i >= 0; i--) {
            if (s.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
