package dev.cctask.gateway;

/**
 * Where chat messages go (SPEC §6): the gateway {@code message} tool's channel and target.
 *
 * @param channel   lower-case channel id (whatsapp, telegram, discord, slack, signal, …)
 * @param target    the channel-specific target (group JID, chat id, {@code channel:<id>}, …)
 * @param threadId  thread or topic id, or null
 * @param accountId account of a multi-account channel, or null
 * @param kind      {@code group}, {@code channel}, {@code direct}, or {@code chat} for override routes
 */
public record Route(String channel, String target, String threadId, String accountId, String kind) {}
