package dev.veil.session;

import java.sql.Date;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;

/**
 * Avatica's result set, plus the java.time getters of JDBC 4.2: {@code getObject(i,
 * LocalDate.class)}, {@code LocalDateTime.class}, {@code LocalTime.class}. Veil's dates and
 * timestamps have no time zone, so they are read in UTC, where a value's wall-clock reading is
 * its epoch count, whatever the JVM's time zone.
 */
final class EmbeddedResultSet extends AvaticaResultSet {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    EmbeddedResultSet(
            AvaticaStatement statement,
            QueryState state,
            Meta.Signature signature,
            ResultSetMetaData metaData,
            TimeZone timeZone,
            Meta.Frame firstFrame)
            throws SQLException {
        super(statement, state, signature, metaData, timeZone, firstFrame);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        if (type == LocalDate.class) {
            Date date = getDate(columnIndex, utc());
            return type.cast(date == null ? null : LocalDate.ofEpochDay(Math.floorDiv(date.getTime(), MILLIS_PER_DAY)));
        }
        if (type == LocalDateTime.class) {
            Timestamp ts = getTimestamp(columnIndex, utc());
            return type.cast(ts == null ? null : LocalDateTime.ofInstant(ts.toInstant(), ZoneOffset.UTC));
        }
        if (type == LocalTime.class) {
            Time time = getTime(columnIndex, utc());
            return type.cast(
                    time == null
                            ? null
                            : LocalTime.ofNanoOfDay(Math.floorMod(time.getTime(), MILLIS_PER_DAY) * 1_000_000L));
        }
        return super.getObject(columnIndex, type);
    }

    /**
     * The result's notices as a chain of warnings (for instance that DP partition selection may
     * have left out small groups), before any of the result's own warnings.
     */
    @Override
    public SQLWarning getWarnings() throws SQLException {
        SQLWarning own = super.getWarnings();
        Object notices = signature == null || signature.internalParameters == null
                ? null
                : signature.internalParameters.get(VeilMeta.NOTICES);
        if (!(notices instanceof List<?> list) || list.isEmpty()) {
            return own;
        }
        SQLWarning first = null;
        for (Object notice : list) {
            SQLWarning warning = new SQLWarning(String.valueOf(notice), "01000");
            if (first == null) {
                first = warning;
            } else {
                first.setNextWarning(warning);
            }
        }
        if (own != null) {
            first.setNextWarning(own);
        }
        return first;
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return getObject(findColumn(columnLabel), type);
    }

    private static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone(ZoneOffset.UTC));
    }
}
