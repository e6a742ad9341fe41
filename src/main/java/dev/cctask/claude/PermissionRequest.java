package dev.cctask.claude;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A permission request Claude printed and waits on ({@code control_request} {@code can_use_tool}, CLAUDE-STREAM.md
 * §8.3): answered with {@link ClaudeInput#respond}.
 *
 * @param requestId   Claude's id of the request
 * @param tool        {@code tool_name}: {@code Bash}, {@code Write}, …
 * @param input       the tool's input ({@code command}, {@code file_path} + {@code content}, …); an empty object when
 *                    absent
 * @param description Claude's own description, or null
 * @param suggestions {@code permission_suggestions}: what an "always" answer adds; an empty array when absent
 */
public record PermissionRequest(String requestId, String tool, JsonNode input, String description,
        JsonNode suggestions) {}
