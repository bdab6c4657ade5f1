package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonFormatter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * MySQL's binary JSON, from a binlog row image, as an SQL expression that builds the same document
 * value for value: {@code JSON_OBJECT}, {@code JSON_ARRAY} and typed scalars, with the values as
 * parameters. Writing the document as JSON text instead loses what MySQL's JSON text parser reads
 * back differently: a double one ulp off for about a quarter of all doubles (the parser does not
 * round correctly; a double's text converted by the server's {@code strtod} does), a DECIMAL read
 * as a double, a DATE, TIME or DATETIME read as a string.
 *
 * <p>Empty if the document holds an opaque value of another type (binary data kept in JSON): its
 * type code cannot be rebuilt, and the caller writes the JSON text as before.
 */
final class JsonExpression implements JsonFormatter {

    private static final int MAX_DECIMAL_PRECISION = 65;
    private static final int MAX_DECIMAL_SCALE = 30;

    /** One container being built: its SQL so far, and whether it has a member yet. */
    private static final class Container {
        private final StringBuilder sql;
        private boolean empty = true;

        Container(String opening) {
            this.sql = new StringBuilder(opening);
        }
    }

    private final Deque<Container> open = new ArrayDeque<>();
    private final List<Object> parameters = new ArrayList<>();
    private String result;
    private boolean unsupported;

    private JsonExpression() {
    }

    /** The expression and its parameters, in the order of their placeholders; empty if not rebuildable. */
    static Optional<RowImageConverter.Bound> of(byte[] binary) {
        JsonExpression expression = new JsonExpression();
        try {
            JsonBinary.parse(binary, expression);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (expression.unsupported || expression.result == null) {
            return Optional.empty();
        }
        return Optional.of(new RowImageConverter.Bound(expression.result, expression.parameters));
    }

    /** A scalar at the top is wrapped in an array and taken out again, so that it is JSON, not SQL, typed. */
    private void emit(String sql) {
        Container current = open.peek();
        if (current == null) {
            result = sql.startsWith("JSON_OBJECT(") || sql.startsWith("JSON_ARRAY(") ? sql
                    : "JSON_EXTRACT(JSON_ARRAY(" + sql + "), '$[0]')";
            return;
        }
        current.sql.append(current.empty ? "" : ", ").append(sql);
        current.empty = false;
    }

    private void emit(String sql, Object parameter) {
        parameters.add(parameter);
        emit(sql);
    }

    @Override
    public void beginObject(int entries) {
        open.push(new Container("JSON_OBJECT("));
    }

    @Override
    public void beginArray(int entries) {
        open.push(new Container("JSON_ARRAY("));
    }

    @Override
    public void endObject() {
        close();
    }

    @Override
    public void endArray() {
        close();
    }

    private void close() {
        Container done = open.pop();
        emit(done.sql.append(')').toString());
    }

    @Override
    public void name(String name) {
        emit("?", name);
    }

    @Override
    public void value(String value) {
        emit("?", value);
    }

    @Override
    public void value(int value) {
        emit("?", (long) value);
    }

    @Override
    public void value(long value) {
        emit("?", value);
    }

    /** {@code + 0E0} makes the literal a DOUBLE, converted by the server's correctly rounding strtod. */
    @Override
    public void value(double value) {
        emit("(? + 0E0)", value);
    }

    @Override
    public void value(BigInteger value) {
        emit("CAST(? AS UNSIGNED)", value.toString());
    }

    @Override
    public void value(BigDecimal value) {
        BigDecimal plain = value.scale() < 0 ? value.setScale(0) : value;
        int scale = Math.min(plain.scale(), MAX_DECIMAL_SCALE);
        int precision = Math.min(Math.max(plain.precision(), scale + 1), MAX_DECIMAL_PRECISION);
        emit("CAST(? AS DECIMAL(" + precision + ", " + scale + "))", plain.toPlainString());
    }

    @Override
    public void value(boolean value) {
        emit(value ? "CAST('true' AS JSON)" : "CAST('false' AS JSON)");
    }

    @Override
    public void valueNull() {
        emit("CAST('null' AS JSON)");
    }

    @Override
    public void valueYear(int year) {
        emit("?", (long) year);
    }

    @Override
    public void valueDate(int year, int month, int day) {
        emit("CAST(? AS DATE)", String.format("%04d-%02d-%02d", year, month, day));
    }

    @Override
    public void valueDatetime(int year, int month, int day, int hour, int minute, int second, int micros) {
        emit("CAST(? AS DATETIME(6))", String.format("%04d-%02d-%02d %02d:%02d:%02d.%06d", year, month, day, hour, minute,
                second, micros));
    }

    @Override
    public void valueTime(int hour, int minute, int second, int micros) {
        long packed = packedTime(hour, minute, second, micros);
        long magnitude = Math.abs(packed);
        long hms = magnitude >> 24;
        emit("CAST(? AS TIME(6))", String.format("%s%02d:%02d:%02d.%06d", packed < 0 ? "-" : "", hms >> 12, (hms >> 6) & 63,
                hms & 63, magnitude & 0xFFFFFF));
    }

    /**
     * The stored packed TIME back from what the binlog library made of it. For a negative time it
     * splits the negative packed value with floor shifts and truncating remainders, so the minutes,
     * seconds and microseconds come out as negative remainders and the hours as minus the floored
     * quotient (-838:59:58.5 arrives as 839, -60, -59, -500000); undone here. A negative time of
     * whole hours leaves no negative part to tell it by and arrives as the positive one.
     */
    static long packedTime(int hour, int minute, int second, int micros) {
        if (minute >= 0 && second >= 0 && micros >= 0 && hour >= 0) {
            return ((((long) hour << 12) | ((long) minute << 6) | second) << 24) + micros;
        }
        long hms = ((-(long) Math.abs(hour) * 64 + (minute < 0 ? 64 + minute : minute)) * 64) + (second < 0 ? 64 + second : second);
        return hms * (1L << 24) + (micros < 0 ? (1L << 24) + micros : micros);
    }

    /** In the session's UTC, as every engine session reads TIMESTAMPs. */
    @Override
    public void valueTimestamp(long seconds, int micros) {
        emit("CAST(FROM_UNIXTIME(?) AS DATETIME(6))", BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(micros, 6)));
    }

    @Override
    public void valueOpaque(ColumnType type, byte[] value) {
        unsupported = true;
        emit("NULL");
    }

    @Override
    public void nextEntry() {
        // separators are written by emit()
    }
}
