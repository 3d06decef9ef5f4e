package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The masking functions as Java methods that generated code calls (through {@link MaskOperators}).
 * Values arrive in Calcite's runtime representation: text as {@code String}, DECIMAL as
 * {@code BigDecimal}, DATE as days since the epoch, TIMESTAMP as milliseconds since the epoch.
 * A NULL input gives NULL. No method throws on a data value: a mask must not become an error
 * side channel.
 */
public final class MaskFunctions {
    private static final Map<String, byte[]> KEYS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private MaskFunctions() {}

    /** Makes a key known to {@link #hash} under its public id; called by {@link MaskKey}. */
    static void registerKey(String id, byte[] key) {
        KEYS.putIfAbsent(
                requireNonNull(id, "id is null"),
                requireNonNull(key, "key is null").clone());
    }

    /** HASH: the HMAC-SHA256 of the value's UTF-8 bytes under the key named {@code keyId}, as hex. */
    public static String hash(String keyId, String value) {
        if (value == null) {
            return null;
        }
        Mac mac = MACS.get().computeIfAbsent(keyId, MaskFunctions::newMac);
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static Mac newMac(String keyId) {
        byte[] key = KEYS.get(keyId);
        if (key == null) {
            throw new IllegalStateException("mask key " + keyId + " is not loaded in this process");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** SHOW_LAST(n): every character but the last {@code n} replaced by {@code *}. */
    public static String showLast(String value, Integer n) {
        if (value == null || n == null) {
            return null;
        }
        int keep = Math.max(0, Math.min(n, value.length()));
        int hidden = value.codePointCount(0, value.length() - keep);
        return "*".repeat(hidden) + value.substring(value.length() - keep);
    }

    /** TRUNCATE(n) of text: the first {@code n} characters. */
    public static String truncateText(String value, Integer n) {
        if (value == null || n == null) {
            return null;
        }
        int end = value.offsetByCodePoints(0, Math.min(Math.max(0, n), value.codePointCount(0, value.length())));
        return value.substring(0, end);
    }

    /** TRUNCATE(n) of an exact number: towards zero, to {@code n} decimals. */
    public static BigDecimal truncateDecimal(BigDecimal value, Integer n) {
        if (value == null || n == null) {
            return null;
        }
        return value.scale() <= n ? value : value.setScale(n, RoundingMode.DOWN);
    }

    /** TRUNCATE(n) of a floating-point number: towards zero, to {@code n} decimals. */
    public static Double truncateDouble(Double value, Integer n) {
        if (value == null || n == null) {
            return null;
        }
        if (value.isNaN() || value.isInfinite()) {
            return null;
        }
        return new BigDecimal(value).setScale(n, RoundingMode.DOWN).doubleValue();
    }

    /** BUCKET(w) of an exact number: the lower end of its bucket, {@code floor(x / w) * w}. */
    public static BigDecimal bucketDecimal(BigDecimal value, BigDecimal width) {
        if (value == null || width == null || width.signum() <= 0) {
            return null;
        }
        return value.divide(width, 0, RoundingMode.FLOOR).multiply(width);
    }

    /** BUCKET(w) of a floating-point number. */
    public static Double bucketDouble(Double value, BigDecimal width) {
        if (value == null || width == null || width.signum() <= 0 || value.isNaN() || value.isInfinite()) {
            return null;
        }
        return bucketDecimal(new BigDecimal(value), width).doubleValue();
    }

    /** YEAR of a date: January 1st of its year, as days since the epoch. */
    public static Integer yearOfDate(Integer days) {
        if (days == null) {
            return null;
        }
        return (int) LocalDate.ofEpochDay(days).withDayOfYear(1).toEpochDay();
    }

    /** MONTH of a date: the first day of its month, as days since the epoch. */
    public static Integer monthOfDate(Integer days) {
        if (days == null) {
            return null;
        }
        return (int) LocalDate.ofEpochDay(days).withDayOfMonth(1).toEpochDay();
    }

    /** YEAR of a timestamp: midnight of January 1st of its year, as milliseconds since the epoch. */
    public static Long yearOfTimestamp(Long millis) {
        if (millis == null) {
            return null;
        }
        return yearOfDate((int) Math.floorDiv(millis, MILLIS_PER_DAY)) * MILLIS_PER_DAY;
    }

    /** MONTH of a timestamp: midnight of the first day of its month, as milliseconds since the epoch. */
    public static Long monthOfTimestamp(Long millis) {
        if (millis == null) {
            return null;
        }
        return monthOfDate((int) Math.floorDiv(millis, MILLIS_PER_DAY)) * MILLIS_PER_DAY;
    }

    /**
     * A floating-point value clamped into {@code [lower, upper]} (a null bound clamps nothing on its
     * side): NaN is NULL, an infinity the nearest bound. The clamp of {@code AGGREGATE ONLY BOUNDS}
     * on DOUBLE columns; a comparison-based clamp would let NaN through.
     */
    public static Double clampDouble(Double value, Double lower, Double upper) {
        if (value == null || value.isNaN()) {
            return null;
        }
        double v = value;
        if (lower != null && v < lower) {
            v = lower;
        }
        if (upper != null && v > upper) {
            v = upper;
        }
        return v;
    }
}
