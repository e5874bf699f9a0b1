package dev.ringalloc.bench.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A markdown table with padded columns, readable as printed text and as rendered markdown. The first
 * column is left-aligned, the others (figures) right-aligned.
 */
public final class MarkdownTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    /** A table with these column headers. */
    public MarkdownTable(String... headers) {
        this.columns = headers.length;
        rows.add(headers.clone());
    }

    /** Adds a row. @throws IllegalArgumentException if it has not one cell per column */
    public MarkdownTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells: " + Arrays.toString(cells));
        }
        rows.add(cells.clone());
        return this;
    }

    @Override
    public String toString() {
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(Math.max(width[c], row[c].length()), 3);
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            line(out, rows.get(r), width);
            if (r == 0) {
                String[] rule = new String[columns];
                for (int c = 0; c < columns; c++) {
                    rule[c] = c == 0 ? "-".repeat(width[c]) : "-".repeat(width[c] - 1) + ":";
                }
                line(out, rule, width);
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        out.append('|');
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(width[c] - cells[c].length());
            out.append(' ').append(c == 0 ? cells[c] + pad : pad + cells[c]).append(" |");
        }
        out.append('\n');
    }
}
