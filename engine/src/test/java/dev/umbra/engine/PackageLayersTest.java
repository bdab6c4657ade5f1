package dev.umbra.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages form layers: each may use the layers below it, none the layers above, and
 * no two packages use each other, even through others. Read from the compiled classes, so an
 * import that reaches up fails the build, not a later review.
 */
class PackageLayersTest {

    private static final String ROOT = "dev.umbra.engine";

    /** From the ground up. */
    private static final List<List<String>> LAYERS = List.of(
            List.of("alter", "failure", "logging", "tls"), // parsed ALTERs, failure kinds, log context, TLS: used by all
            List.of("plan"), // what to migrate where and how: options and connection settings, values only
            List.of("sql"), // sessions to the server
            List.of("table", "relation"), // a table's shape and mapping; its triggers and foreign keys
            List.of("binlog", "unique"), // row changes from the binlog; unique-key collisions
            List.of("apply", "copy"), // the two writers of the ghost table
            List.of("checkpoint", "throttle"), // what a resume needs; when work must wait
            List.of("progress", "owner", "cutover"), // the status; owning the table; swapping the tables
            List.of("inspect", "verify"), // checks before anything is created; the checksum
            List.of("run"), // one migration from start to end
            List.of("cli")); // the command line

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void everyPackageHasItsLayer() {
        Set<String> packages = engine.stream().map(JavaClass::getPackageName)
                .filter(name -> name.startsWith(ROOT + "."))
                .map(name -> name.substring(ROOT.length() + 1).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> layered = LAYERS.stream().flatMap(List::stream).collect(Collectors.toCollection(TreeSet::new));

        assertThat(packages).as("engine packages (a new one needs its place in LAYERS)").isEqualTo(layered);
        assertThat(engine.stream().filter(type -> type.getPackageName().equals(ROOT))).as("classes outside every package").isEmpty();
    }

    @Test
    void noPackageUsesALayerAboveIt() {
        for (int layer = 0; layer < LAYERS.size() - 1; layer++) {
            List<String> above = LAYERS.subList(layer + 1, LAYERS.size()).stream().flatMap(List::stream).toList();
            noClasses().that().resideInAnyPackage(patterns(LAYERS.get(layer)))
                    .should().dependOnClassesThat().resideInAnyPackage(patterns(above))
                    .because(LAYERS.get(layer) + " lie below " + above).check(engine);
        }
    }

    @Test
    void noPackagesUseEachOther() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(engine);
    }

    private static String[] patterns(List<String> packages) {
        return packages.stream().map(name -> ROOT + "." + name + "..").toArray(String[]::new);
    }
}
