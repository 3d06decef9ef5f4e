package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.CatalogSchema;
import dev.veil.exec.Optimizer;
import dev.veil.exec.VeilTypeSystem;
import dev.veil.sql.parser.VeilConformance;
import dev.veil.storage.Warehouse;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Everything one statement needs to validate SQL and turn it into a logical plan: a snapshot of
 * the catalog as Calcite schemas, the validator, and the planner whose cluster the plan lives in.
 * Unqualified table names resolve in the schema {@link #DEFAULT_SCHEMA}.
 */
public final class PlannerContext {
    public static final String DEFAULT_SCHEMA = "public";

    private final JavaTypeFactory typeFactory;
    private final SchemaPlus rootSchema;
    private final CalciteCatalogReader catalogReader;
    private final SqlValidator validator;
    private final RelOptCluster cluster;
    private final String user;

    public PlannerContext(Warehouse warehouse, String user) {
        this.user = requireNonNull(user, "user is null");
        this.typeFactory = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
        this.rootSchema = CatalogSchema.rootSchema(requireNonNull(warehouse, "warehouse is null"));
        Properties properties = new Properties();
        properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
        this.catalogReader = new CalciteCatalogReader(CalciteSchema.from(rootSchema), List.of(DEFAULT_SCHEMA),
                typeFactory, new CalciteConnectionConfigImpl(properties));
        SqlValidator.Config config = SqlValidator.Config.DEFAULT
                .withIdentifierExpansion(true)
                .withConformance(VeilConformance.INSTANCE)
                .withDefaultNullCollation(NullCollation.LAST);
        this.validator = SqlValidatorUtil.newValidator(
                new CaseInsensitiveOperatorTable(SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
                        SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL)),
                catalogReader, typeFactory, config);
        VolcanoPlanner planner = Optimizer.newPlanner();
        this.cluster = RelOptCluster.create(planner, new RexBuilder(typeFactory));
    }

    public JavaTypeFactory typeFactory() {
        return typeFactory;
    }

    public SchemaPlus rootSchema() {
        return rootSchema;
    }

    public String user() {
        return user;
    }

    /** Validates a query or DML statement; user errors become {@code VeilException}s. */
    public SqlNode validate(SqlNode node) {
        try {
            return validator.validate(node);
        } catch (RuntimeException e) {
            throw SqlErrors.translate(e, catalogReader);
        }
    }

    /** The row type of a validated node. */
    public RelDataType validatedType(SqlNode validated) {
        return validator.getValidatedNodeType(validated);
    }

    /** Converts a validated statement into a logical plan (sub-queries not yet expanded). */
    public RelRoot toRel(SqlNode validated) {
        SqlToRelConverter.Config config = SqlToRelConverter.config()
                .withTrimUnusedFields(true)
                .withExpand(false)
                .withInSubQueryThreshold(Integer.MAX_VALUE);
        SqlToRelConverter converter = new SqlToRelConverter(
                (rowType, queryString, schemaPath, viewPath) -> {
                    throw new UnsupportedOperationException("views are not supported");
                },
                validator, catalogReader, cluster, StandardConvertletTable.INSTANCE, config);
        try {
            RelRoot root = converter.convertQuery(validated, false, true);
            return root.withRel(converter.flattenTypes(root.rel, true));
        } catch (RuntimeException e) {
            throw SqlErrors.translate(e, catalogReader);
        }
    }

    /** The Calcite table of a qualified name, or null. */
    public RelOptTable table(List<String> names) {
        return catalogReader.getTable(names);
    }
}
