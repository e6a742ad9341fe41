package dev.cctask.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One registry entry (SPEC §8.3) under its registry key. The JSON object is kept whole so that fields written by
 * other tools (the Python skill, newer versions) survive a read-modify-write. Callers get copies.
 */
public record Session(String id, ObjectNode json) {

    /** A string field, or null when missing, null or not a string. */
    public String text(String field) {
        JsonNode v = json.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** The label, or null (the original wrote {@code null} for unlabelled sessions). */
    public String label() {
        return text("label");
    }

    public String status() {
        return text("status");
    }

    public String taskSummary() {
        return text("task_summary");
    }

    public String projectDir() {
        return text("project_dir");
    }

    /** {@code last_accessed} parsed; empty when missing or unparseable. */
    public Optional<LocalDateTime> lastAccessed() {
        return IsoLocal.parse(text("last_accessed"));
    }

    /** {@code cost_estimate} in USD, or null. */
    public Double costEstimate() {
        JsonNode v = json.get("cost_estimate");
        return v != null && v.isNumber() ? v.doubleValue() : null;
    }

    /**
     * {@code   <id>  <last accessed, local minutes>  <status>  <label>  <project>}: one line of the candidates a label
     * matches ({@code sessions find}, {@code sessions show}, {@code --resume-label}).
     */
    public String candidateLine() {
        String at = lastAccessed().map(t -> t.truncatedTo(ChronoUnit.MINUTES).toString().replace('T', ' ')).orElse("-");
        return "  " + id + "  " + at + "  " + status() + "  " + label() + "  " + projectDir();
    }

    /** {@code running} or {@code paused}: its runner lives (or died unreported). */
    public boolean isActive() {
        return SessionRegistry.STATUS_RUNNING.equals(status()) || SessionRegistry.STATUS_PAUSED.equals(status());
    }
}
