package dev.cctask.claude;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The fields kept from a {@code result} event (SPEC §8.1). Absent or odd-typed fields are null ({@code errors}: empty,
 * {@code isError}: false unless the event says {@code true}).
 *
 * @param result the result text; absent for error subtypes
 * @param usage the {@code usage} object as sent (this invocation, main agent loop); treat as read-only
 * @param sessionId the session id the result reports (may differ from init's, CLAUDE-STREAM.md §6)
 * @param apiErrorStatus the HTTP status of the API error that ended the turn ({@code api_error_status}), or null
 */
public record ResultEvent(
        String result,
        boolean isError,
        String subtype,
        List<String> errors,
        Double totalCostUsd,
        Integer numTurns,
        Long durationMs,
        JsonNode usage,
        String sessionId,
        Integer apiErrorStatus) {

    public ResultEvent {
        errors = List.copyOf(errors);
    }
}
