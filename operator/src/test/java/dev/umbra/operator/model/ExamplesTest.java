package dev.umbra.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.umbra.operator.reconcile.PlanFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest under examples/ is one a user can apply as it is: it reads into the model with no
 * field the model lacks (a misspelt field would otherwise be dropped without a word) and passes the
 * operator's validation.
 */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "examples");

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void readsIntoTheModelAndPassesValidation(Path example) throws Exception {
        ObjectMapper strict = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        SchemaMigration migration = strict.readValue(example.toFile(), SchemaMigration.class);

        assertThat(migration.getApiVersion()).isEqualTo("umbra.dev/v1alpha1");
        assertThat(migration.getKind()).isEqualTo("SchemaMigration");
        assertThat(migration.getMetadata().getName()).isNotBlank();
        PlanFactory.validate(migration.getSpec());
    }

    @Test
    void thereAreExamples() throws Exception {
        assertThat(examples()).extracting(path -> path.getFileName().toString())
                .contains("add-column.yaml", "instant-column.yaml", "throttled.yaml", "cut-over-window.yaml",
                        "approve-plan.yaml", "revert-window.yaml");
    }
}
