package dev.veil.storage;

import static dev.veil.storage.WarehouseTest.allColumns;
import static dev.veil.storage.WarehouseTest.createTable;
import static dev.veil.storage.WarehouseTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowFileLoaderTest {
    @TempDir
    Path dir;

    private static Field field(String name, ArrowType type, boolean nullable) {
        return new Field(name, new FieldType(nullable, type, null), null);
    }

    private static final Schema FOREIGN = new Schema(List.of(
            field("Tiny", new ArrowType.Int(8, true), true),
            field("u16", new ArrowType.Int(16, false), true),
            field("u32", new ArrowType.Int(32, false), false),
            field("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), true),
            field("amount", new ArrowType.Decimal(10, 3, 128), true),
            field("label", ArrowType.LargeUtf8.INSTANCE, true),
            field("day", new ArrowType.Date(DateUnit.MILLISECOND), true),
            field("at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), true),
            field("ok", ArrowType.Bool.INSTANCE, true)));

    @Test
    void foreignArrowTypesMapToVeilTypes() throws IOException {
        Path file = writeForeign();
        assertEquals(
                List.of(
                        new Column("tiny", ColumnType.of(VeilType.INTEGER), true),
                        new Column("u16", ColumnType.of(VeilType.INTEGER), true),
                        new Column("u32", ColumnType.of(VeilType.BIGINT), false),
                        new Column("f32", ColumnType.of(VeilType.DOUBLE), true),
                        new Column("amount", ColumnType.decimal(10, 3), true),
                        new Column("label", ColumnType.of(VeilType.VARCHAR), true),
                        new Column("day", ColumnType.of(VeilType.DATE), true),
                        new Column("at", ColumnType.of(VeilType.TIMESTAMP), true),
                        new Column("ok", ColumnType.of(VeilType.BOOLEAN), true)),
                ArrowFileLoader.inferColumns(file));
    }

    @Test
    void inferredTableLoadsItsFile() throws IOException {
        Path file = writeForeign();
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", ArrowFileLoader.inferColumns(file));
            LoadResult result = ArrowFileLoader.load(wh, table, file, LoadProgress.NONE);
            assertEquals(2, result.rows());
            List<Object[]> rows = readAll(wh, table, allColumns(table));
            assertArrayEquals(
                    new Object[] {
                        -5,
                        65535,
                        4_000_000_000L,
                        1.5,
                        new BigDecimal("-12.345"),
                        "ünï",
                        19_000,
                        19_000 * 86_400_000L + 1_234L,
                        true
                    },
                    rows.get(0));
            assertArrayEquals(new Object[] {null, null, 0L, null, null, null, null, null, null}, rows.get(1));
            assertEquals(wh.mappedSegments().bytes(), wh.allocator().getAllocatedMemory());
        }
    }

    @Test
    void compatibleFieldsWidenIntoExistingColumns() throws IOException {
        Path file = writeForeign();
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(
                    wh,
                    "t",
                    List.of(
                            new Column("a", ColumnType.of(VeilType.BIGINT), true),
                            new Column("b", ColumnType.decimal(8, 1), true),
                            new Column("c", ColumnType.of(VeilType.DOUBLE), false),
                            new Column("d", ColumnType.of(VeilType.DOUBLE), true),
                            new Column("e", ColumnType.decimal(6, 2), true),
                            new Column("f", ColumnType.of(VeilType.VARCHAR), true),
                            new Column("g", ColumnType.of(VeilType.TIMESTAMP), true),
                            new Column("h", ColumnType.of(VeilType.TIMESTAMP), true),
                            new Column("i", ColumnType.of(VeilType.BOOLEAN), true)));
            ArrowFileLoader.load(wh, table, file, LoadProgress.NONE);
            assertArrayEquals(
                    new Object[] {
                        -5L,
                        new BigDecimal("65535.0"),
                        4.0e9,
                        1.5,
                        new BigDecimal("-12.35"),
                        "ünï",
                        19_000 * 86_400_000L,
                        19_000 * 86_400_000L + 1_234L,
                        true
                    },
                    readAll(wh, table, allColumns(table)).get(0));
        }
    }

    @Test
    void incompatibleFieldIsNamed() throws IOException {
        Path file = writeForeign();
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            List<Column> columns = new java.util.ArrayList<>(ArrowFileLoader.inferColumns(file));
            columns.set(5, new Column("label", ColumnType.of(VeilType.DATE), true));
            TableDef table = createTable(wh, "t", columns);
            VeilException e =
                    assertThrows(VeilException.class, () -> ArrowFileLoader.load(wh, table, file, LoadProgress.NONE));
            assertEquals(ErrorCode.TYPE_MISMATCH, e.errorCode());
            assertEquals(
                    file + ": field 'label' (6th) has Arrow type LargeUtf8, which cannot be loaded into column"
                            + " 'label' (DATE)",
                    e.getMessage());
        }
    }

    @Test
    void valueOutOfRangeFailsWholeLoadNamingTheRow() throws IOException {
        Path file = writeForeign();
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            List<Column> columns = new java.util.ArrayList<>(ArrowFileLoader.inferColumns(file));
            columns.set(2, new Column("u32", ColumnType.of(VeilType.INTEGER), false));
            TableDef table = createTable(wh, "t", columns);
            VeilException e =
                    assertThrows(VeilException.class, () -> ArrowFileLoader.load(wh, table, file, LoadProgress.NONE));
            assertEquals(ErrorCode.NUMERIC_OUT_OF_RANGE, e.errorCode());
            assertEquals(
                    file + ": row 1: Value out of range for column 'u32' (INTEGER) of table 's.t'", e.getMessage());
            assertEquals(0, wh.catalog().currentVersion(table.id()).version());
        }
    }

    @Test
    void unsupportedTypeIsRejectedNamingTheField() throws IOException {
        Path file = dir.resolve("list.arrow");
        Field list = new Field(
                "tags",
                FieldType.nullable(ArrowType.List.INSTANCE),
                List.of(field("item", new ArrowType.Int(32, true), true)));
        write(file, new Schema(List.of(list)), root -> ((ListVector) root.getVector(0)).setNull(0));
        VeilException e = assertThrows(VeilException.class, () -> ArrowFileLoader.inferColumns(file));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.errorCode());
        assertEquals(
                file + ": field 'tags' has Arrow type List, which Veil cannot store; supported: booleans,"
                        + " integers, floating point, decimals up to 38 digits, UTF-8 strings, dates and timestamps",
                e.getMessage());
    }

    @Test
    void notAnArrowFileIsABadInputFile() throws IOException {
        Path file = dir.resolve("fake.arrow");
        Files.writeString(file, "id,name\n1,x\n");
        VeilException e = assertThrows(VeilException.class, () -> ArrowFileLoader.inferColumns(file));
        assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
        Path missing = dir.resolve("missing.arrow");
        e = assertThrows(VeilException.class, () -> ArrowFileLoader.inferColumns(missing));
        assertEquals(ErrorCode.FILE_NOT_FOUND, e.errorCode());
    }

    private Path writeForeign() throws IOException {
        Path file = dir.resolve("foreign.arrow");
        write(file, FOREIGN, root -> {
            ((TinyIntVector) root.getVector(0)).set(0, -5);
            ((UInt2Vector) root.getVector(1)).set(0, 65535);
            ((UInt4Vector) root.getVector(2)).set(0, (int) 4_000_000_000L);
            ((UInt4Vector) root.getVector(2)).set(1, 0);
            ((Float4Vector) root.getVector(3)).set(0, 1.5f);
            ((DecimalVector) root.getVector(4)).set(0, new BigDecimal("-12.345"));
            ((LargeVarCharVector) root.getVector(5)).setSafe(0, "ünï".getBytes(StandardCharsets.UTF_8));
            ((DateMilliVector) root.getVector(6)).set(0, 19_000 * 86_400_000L);
            ((TimeStampMicroTZVector) root.getVector(7)).set(0, (19_000 * 86_400_000L + 1_234L) * 1000 + 999);
            ((BitVector) root.getVector(8)).set(0, 1);
            for (int c = 0; c < root.getFieldVectors().size(); c++) {
                if (c != 2) {
                    root.getVector(c).setNull(1);
                }
            }
            root.setRowCount(2);
        });
        return file;
    }

    private static void write(Path file, Schema schema, Consumer<VectorSchemaRoot> fill) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            root.allocateNew();
            fill.accept(root);
            if (root.getRowCount() == 0) {
                root.setRowCount(1);
            }
            writer.start();
            writer.writeBatch();
            writer.end();
        }
    }
}
