package dev.cctask.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.PythonJson;
import java.util.List;

/** The outcome of {@link Doctor#run()}: the checks in order, rendered for people or as JSON. */
public record Report(List<Check> checks) {
    private static final String FIX_INDENT = "      fix: ";

    public Report {
        checks = List.copyOf(checks);
    }

    /** True when no check failed (warnings pass): the exit code is 0. */
    public boolean ok() {
        return count(Check.Status.FAIL) == 0;
    }

    public long count(Check.Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    /**
     * One line per check, {@code ✓ OK   java: Java 17.0.15}, each non-OK line followed by its {@code fix:} line,
     * then a summary line.
     */
    public String text() {
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (Check c : checks) {
            sb.append(c.status().mark()).append(' ')
                    .append(String.format("%-5s", c.status().name())).append(' ')
                    .append(String.format("%-" + width + "s", c.name())).append("  ")
                    .append(c.detail()).append('\n');
            if (c.fix() != null) {
                sb.append(FIX_INDENT).append(c.fix()).append('\n');
            }
        }
        long failed = count(Check.Status.FAIL);
        long warned = count(Check.Status.WARN);
        if (failed == 0 && warned == 0) {
            sb.append("All checks passed.\n");
        } else {
            sb.append(failed).append(" failed, ").append(warned).append(" warning(s)")
                    .append(failed > 0 ? ": fix the ✗ lines and run \"run-task doctor\" again.\n"
                            : ": run-task works; the ⚠ lines say what may still go wrong.\n");
        }
        return sb.toString();
    }

    /** {@code {"ok":…,"checks":[{"check":…,"status":"ok|warn|fail|skip","detail":…,"fix":…|null},…]}}. */
    public String json() {
        ObjectMapper mapper = PythonJson.mapper();
        ObjectNode root = mapper.createObjectNode().put("ok", ok());
        ArrayNode array = root.putArray("checks");
        for (Check c : checks) {
            array.addObject().put("check", c.name()).put("status", c.status().wireName()).put("detail", c.detail())
                    .put("fix", c.fix());
        }
        return PythonJson.pretty(root);
    }
}
