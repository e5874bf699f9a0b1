package dev.ringalloc.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A markdown table with padded columns, readable as printed text and as rendered markdown: the comparison's
 * tables, the replay's and the HTTP load's. Columns of figures are right-aligned, the others (the first by
 * default) left-aligned; a {@code |} in a cell is escaped.
 */
public final class MarkdownTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;
    private final boolean[] left;

    /** A table with these column headers; the first column left-aligned. */
    public MarkdownTable(String... headers) {
        this.columns = headers.length;
        this.left = new boolean[columns];
        left[0] = true;
        rows.add(escaped(headers));
    }

    /** Aligns column {@code column} left (a column of names, not figures). */
    public MarkdownTable leftAligned(int column) {
        left[column] = true;
        return this;
    }

    private static String[] escaped(String[] cells) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = cells[i].replace("|", "\\|");
        }
        return out;
    }

    /** Adds a row. @throws IllegalArgumentException if it has not one cell per column */
    public MarkdownTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells: " + Arrays.toString(cells));
        }
        rows.add(escaped(cells));
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
                    rule[c] = left[c] ? "-".repeat(width[c]) : "-".repeat(width[c] - 1) + ":";
                }
                line(out, rule, width);
            }
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] width) {
        out.append('|');
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(width[c] - cells[c].length());
            out.append(' ').append(left[c] ? cells[c] + pad : pad + cells[c]).append(" |");
        }
        out.append('\n');
    }
}
