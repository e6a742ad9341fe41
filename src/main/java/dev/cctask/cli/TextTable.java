package dev.cctask.cli;

import dev.cctask.Text;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: columns padded to the widest cell (in code points), two spaces apart; null shows as "-". */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... headers) {
        rows.add(headers);
    }

    TextTable row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "-" : Text.oneLine(cells[i].toString());
        }
        rows.add(r);
        return this;
    }

    /** The rendered lines, each ending in a newline; the last column is not padded. */
    String render() {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], Text.length(r[i]));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - Text.length(r[i]) + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
