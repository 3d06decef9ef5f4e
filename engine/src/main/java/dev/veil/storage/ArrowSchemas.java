package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The Arrow type of each Veil column type, as {@link dev.veil.catalog.VeilType} documents it. */
public final class ArrowSchemas {
    private static final ArrowType BOOLEAN = ArrowType.Bool.INSTANCE;
    private static final ArrowType INTEGER = new ArrowType.Int(32, true);
    private static final ArrowType BIGINT = new ArrowType.Int(64, true);
    private static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    private static final ArrowType VARCHAR = ArrowType.Utf8.INSTANCE;
    private static final ArrowType DATE = new ArrowType.Date(DateUnit.DAY);
    private static final ArrowType TIMESTAMP = new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);

    private ArrowSchemas() {}

    /** The Arrow type that stores values of {@code type}. */
    public static ArrowType arrowType(ColumnType type) {
        requireNonNull(type, "type is null");
        return switch (type.type()) {
            case BOOLEAN -> BOOLEAN;
            case INTEGER -> INTEGER;
            case BIGINT -> BIGINT;
            case DOUBLE -> DOUBLE;
            case DECIMAL -> new ArrowType.Decimal(type.precision(), type.scale(), 128);
            case VARCHAR -> VARCHAR;
            case DATE -> DATE;
            case TIMESTAMP -> TIMESTAMP;
        };
    }

    /** The Arrow field of a column: same name, the column's type and nullability. */
    public static Field field(Column column) {
        requireNonNull(column, "column is null");
        return new Field(column.name(), new FieldType(column.nullable(), arrowType(column.type()), null), null);
    }

    /** The Arrow schema of a table's columns, in order. */
    public static Schema schema(List<Column> columns) {
        List<Field> fields = new ArrayList<>(columns.size());
        for (Column column : columns) {
            fields.add(field(column));
        }
        return new Schema(fields);
    }
}
