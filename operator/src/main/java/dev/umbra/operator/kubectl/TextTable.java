package dev.umbra.operator.kubectl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Columns as kubectl prints them: upper-case headers, left-aligned, three spaces apart; "-" for an empty cell. */
final class TextTable {

    static final String EMPTY = "-";
    private static final String GAP = "   ";

    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... headers) {
        rows.add(headers);
    }

    TextTable row(String... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException("expected " + rows.get(0).length + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(TextTable::cell).toArray(String[]::new));
        return this;
    }

    /** The value, or "-" when there is none. */
    static String cell(Object value) {
        String text = value == null ? "" : value.toString().replaceAll("\\s*\\R\\s*", " ").trim();
        return text.isEmpty() ? EMPTY : text;
    }

    void print(PrintWriter out, String indent) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int column = 0; column < row.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int column = 0; column < row.length; column++) {
                line.append(row[column]);
                if (column < row.length - 1) {
                    line.append(" ".repeat(widths[column] - row[column].length())).append(GAP);
                }
            }
            out.println(line);
        }
    }
}
