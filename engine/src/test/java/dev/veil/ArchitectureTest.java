package dev.veil;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layers of {@code docs/architecture.md} ("Packages and layers"), checked on the compiled main
 * classes: each package of Veil may use only the packages listed for it (and the JDK and
 * libraries), no two top-level packages depend on each other in a cycle, and neither do two
 * sub-packages of {@code exec}. A wrong-way import fails the build here.
 */
class ArchitectureTest {
    /** A package's classes: the package itself, or it and its sub-packages when it ends in "..". */
    private static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

    static {
        // The base: the one exception type and its error codes.
        allow("dev.veil");
        // A library of DP primitives: nothing of Veil, not even its exception.
        ALLOWED.put("dev.veil.dp..", List.of());
        allow("dev.veil.catalog..");
        allow("dev.veil.storage..", "dev.veil.catalog..");
        allow("dev.veil.audit..", "dev.veil.catalog..");
        allow("dev.veil.budget..", "dev.veil.catalog..", "dev.veil.storage..", "dev.veil.audit..");
        // The one row-filter compiler (RowFilterPredicate) parses predicates with the parser.
        allow("dev.veil.policy..", "dev.veil.catalog..", "dev.veil.sql.parser..", "dev.veil.sql.ast..");
        allow("dev.veil.control..", "dev.veil.storage..");
        // The parser is a leaf below the rewrite: its syntax tree and nothing else.
        allow("dev.veil.sql.ast..");
        allow("dev.veil.sql.parser..", "dev.veil.sql.ast..");
        // The logical plan vocabulary the rewrite owns.
        allow("dev.veil.plan..", "dev.veil.dp..", "dev.veil.policy..", "dev.veil.catalog..");
        // The privacy rewrite works on logical plans: never on execution or the schema adapter.
        allow("dev.veil.rewrite..", "dev.veil.plan..", "dev.veil.policy..", "dev.veil.catalog..", "dev.veil.dp..");
        allow(
                "dev.veil.schema..",
                "dev.veil.plan..",
                "dev.veil.policy..",
                "dev.veil.catalog..",
                "dev.veil.storage..",
                "dev.veil.audit..",
                "dev.veil.budget..",
                "dev.veil.control..");
        // Execution: sub-packages of one concern each, from the runtime core up; the package
        // itself (the entry points Optimizer and QueryExecution) on top, used by none of them.
        allowExec("dev.veil.exec.runtime..");
        allowExec("dev.veil.exec.scan..", "dev.veil.exec.runtime..");
        allowExec("dev.veil.exec.aggregate..", "dev.veil.exec.scan..", "dev.veil.exec.runtime..");
        allowExec(
                "dev.veil.exec.privacy..",
                "dev.veil.exec.aggregate..",
                "dev.veil.exec.scan..",
                "dev.veil.exec.runtime..");
        allowExec("dev.veil.exec.join..", "dev.veil.exec.privacy..", "dev.veil.exec.scan..", "dev.veil.exec.runtime..");
        allowExec("dev.veil.exec.remote..", "dev.veil.exec.runtime..");
        allowExec("dev.veil.exec", "dev.veil.exec..");
        // The statements: everything below the sessions.
        allow(
                "dev.veil.sql",
                "dev.veil.sql.ast..",
                "dev.veil.sql.parser..",
                "dev.veil.rewrite..",
                "dev.veil.exec..",
                "dev.veil.schema..",
                "dev.veil.plan..",
                "dev.veil.control..",
                "dev.veil.policy..",
                "dev.veil.budget..",
                "dev.veil.audit..",
                "dev.veil.storage..",
                "dev.veil.catalog..",
                "dev.veil.dp..");
        allow(
                "dev.veil.session..",
                "dev.veil.sql",
                "dev.veil.sql.ast..",
                "dev.veil.sql.parser..",
                "dev.veil.rewrite..",
                "dev.veil.exec..",
                "dev.veil.schema..",
                "dev.veil.plan..",
                "dev.veil.control..",
                "dev.veil.policy..",
                "dev.veil.budget..",
                "dev.veil.audit..",
                "dev.veil.storage..",
                "dev.veil.catalog..",
                "dev.veil.dp..");
        allow(
                "dev.veil.server..",
                "dev.veil.session..",
                "dev.veil.sql",
                "dev.veil.sql.ast..",
                "dev.veil.sql.parser..",
                "dev.veil.rewrite..",
                "dev.veil.exec..",
                "dev.veil.schema..",
                "dev.veil.plan..",
                "dev.veil.control..",
                "dev.veil.policy..",
                "dev.veil.budget..",
                "dev.veil.audit..",
                "dev.veil.storage..",
                "dev.veil.catalog..",
                "dev.veil.dp..");
        // The command line: the very top, it may use every layer.
        allow("dev.veil.cli..", "dev.veil..");
    }

    /** Every package may use the base package dev.veil, except dp (which uses nothing). */
    private static void allow(String pkg, String... others) {
        List<String> list = new ArrayList<>(List.of(others));
        if (!pkg.equals("dev.veil")) {
            list.add("dev.veil");
        }
        ALLOWED.put(pkg, List.copyOf(list));
    }

    /** A package of exec: it may use {@code execPackages} and the layers below exec. */
    private static void allowExec(String pkg, String... execPackages) {
        List<String> list = new ArrayList<>(List.of(execPackages));
        list.addAll(List.of(
                "dev.veil.plan..",
                "dev.veil.dp..",
                "dev.veil.schema..",
                "dev.veil.storage..",
                "dev.veil.catalog..",
                "dev.veil.control.."));
        allow(pkg, list.toArray(String[]::new));
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.veil");
    }

    @TestFactory
    Stream<DynamicTest> eachPackageUsesOnlyTheLayersBelowIt() {
        return ALLOWED.entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(
                        e.getKey(), () -> rule(e.getKey(), e.getValue()).check(classes)));
    }

    /** Classes of {@code pkg} use no Veil class outside {@code pkg} and {@code allowed}. */
    static ArchRule rule(String pkg, List<String> allowed) {
        List<String> own = new ArrayList<>(allowed);
        own.add(pkg);
        DescribedPredicate<JavaClass> veil = resideInAPackage("dev.veil..");
        return noClasses()
                .that()
                .resideInAPackage(pkg)
                .should()
                .dependOnClassesThat(veil.and(not(resideInAnyPackage(own.toArray(String[]::new))))
                        .as("are Veil classes outside " + own))
                .because("docs/architecture.md lets " + pkg + " use only " + allowed);
    }

    @Test
    void everyPackageHasALayer() {
        for (JavaClass c : classes) {
            String name = c.getPackageName();
            if (!name.startsWith("dev.veil")) {
                continue;
            }
            boolean placed = ALLOWED.keySet().stream()
                    .anyMatch(pkg -> pkg.endsWith("..")
                            ? name.equals(pkg.substring(0, pkg.length() - 2))
                                    || name.startsWith(pkg.substring(0, pkg.length() - 1))
                            : name.equals(pkg));
            if (!placed) {
                throw new AssertionError("package " + name + " of " + c.getName()
                        + " has no layer in ArchitectureTest and docs/architecture.md");
            }
        }
    }

    /** The documents this test checks the code against hold no merge-conflict markers (one stayed for sessions). */
    @Test
    void documentsHoldNoMergeMarkers() throws java.io.IOException {
        java.nio.file.Path root = java.nio.file.Path.of("..").toAbsolutePath().normalize();
        List<java.nio.file.Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<java.nio.file.Path> docs = java.nio.file.Files.list(root.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).forEach(files::add);
        }
        for (java.nio.file.Path file : files) {
            List<String> lines = java.nio.file.Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> ") || line.equals("=======")) {
                    throw new AssertionError(root.relativize(file) + ":" + (i + 1) + " holds a merge marker: " + line);
                }
            }
        }
    }

    /**
     * No cycles between the layers: the top-level packages, except that the parser
     * ({@code sql.parser} with {@code sql.ast}) is a layer of its own, a leaf below the rewrite and
     * the policies, apart from the statement executors of {@code sql}.
     */
    @Test
    void noCyclesBetweenLayers() {
        slices().assignedFrom(new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass c) {
                        String name = c.getPackageName();
                        if (!name.startsWith("dev.veil.")) {
                            return SliceIdentifier.ignore();
                        }
                        if (name.startsWith("dev.veil.sql.parser") || name.startsWith("dev.veil.sql.ast")) {
                            return SliceIdentifier.of("parser");
                        }
                        String rest = name.substring("dev.veil.".length());
                        int dot = rest.indexOf('.');
                        return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
                    }

                    @Override
                    public String getDescription() {
                        return "Veil's layers (top-level packages; the parser on its own)";
                    }
                })
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    /** No cycles between the sub-packages of exec (each with one concern, see exec's package-info). */
    @Test
    void noCyclesInsideExec() {
        slices().matching("dev.veil.exec.(*)..").should().beFreeOfCycles().check(classes);
    }
}
