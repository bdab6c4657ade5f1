package dev.umbra.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CRD checked in under crds/ is the one the build generates, and it carries the validation and
 * columns users rely on. The mock server evaluates none of it, so the rules are checked here.
 */
class SchemaMigrationCrdTest {

    private static final String FILE = "schemamigrations.umbra.dev.yaml";

    @Test
    void checkedInCrdIsTheGeneratedOne() throws IOException {
        String generated = SchemaMigrationCrd.yaml();
        Path target = Path.of("target", FILE);
        Files.writeString(target, generated, StandardCharsets.UTF_8);
        Path checkedIn = Path.of(System.getProperty("umbra.crds.dir", "../crds"), FILE);
        String existing = Files.exists(checkedIn) ? Files.readString(checkedIn, StandardCharsets.UTF_8) : "";
        if (!existing.equals(generated)) {
            fail("crds/" + FILE + " differs from the CRD generated from the model. If the model change is intended, run:\n"
                    + "  cp operator/target/" + FILE + " crds/" + FILE);
        }
    }

    @Test
    void specIsImmutableByACelRule() {
        JSONSchemaProps spec = schema().getProperties().get("spec");
        assertThat(spec.getXKubernetesValidations()).extracting(ValidationRule::getRule).containsExactly("self == oldSelf");
        assertThat(spec.getXKubernetesValidations().get(0).getMessage())
                .contains("immutable").contains("a changed migration is a new SchemaMigration");
    }

    @Test
    void printerColumnsArePhaseProgressEtaLagReadyRevertibleAgeAndReasonInWideOutput() {
        assertThat(version().getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getName)
                .containsExactly("Phase", "Progress", "ETA", "Lag", "Ready", "Revertible", "Reason", "Age");
        assertThat(version().getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getJsonPath)
                .containsExactly(".status.phase", ".status.progress", ".status.eta", ".status.lag",
                        ".status.conditions[?(@.type==\"Ready\")].status", ".status.revert.reversible",
                        ".status.conditions[?(@.type==\"Ready\")].reason", ".metadata.creationTimestamp");
        assertThat(version().getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getType)
                .containsExactly("string", "string", "string", "string", "string", "boolean", "string", "date");
        assertThat(version().getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getPriority)
                .containsExactly(0, 0, 0, 0, 0, 0, 1, 0);
    }

    /** The API server refuses a window that is not a duration; the operator checks its bound (7 days). */
    @Test
    void theRevertWindowIsADurationTextDefaultingToNoneAndAcceptLossToFalse() {
        JSONSchemaProps revert = schema().getProperties().get("spec").getProperties().get("revert");
        JSONSchemaProps window = revert.getProperties().get("window");
        assertThat(window.getType()).isEqualTo("string");
        assertThat(window.getDefault().toString()).isEqualTo("\"0\"");
        assertThat(window.getPattern()).isEqualTo(RevertSpec.WINDOW_PATTERN);
        Pattern pattern = Pattern.compile(window.getPattern());
        assertThat(List.of("0", "30m", "2h", "1h30m", "7d", "90s", "1d2h3m4s"))
                .allMatch(text -> pattern.matcher(text).matches());
        assertThat(List.of("30", "30 m", "1.5h", "30m2h", "-1h", "30M", "1w"))
                .noneMatch(text -> pattern.matcher(text).matches());
        assertThat(window.getMinLength()).isEqualTo(1L);
        assertThat(revert.getProperties().get("acceptLoss").getDefault().toString()).isEqualTo("false");
        JSONSchemaProps status = schema().getProperties().get("status").getProperties().get("revert");
        assertThat(status.getProperties()).containsOnlyKeys("until", "lagMillis", "reversible", "reason");
        assertThat(status.getProperties().get("reversible").getType()).isEqualTo("boolean");
    }

    @Test
    void theResourceIsInTheUmbraAndAllMigrationsCategories() {
        assertThat(SchemaMigrationCrd.definition().getSpec().getNames().getCategories()).containsExactly("umbra", "all-migrations");
    }

    @Test
    void validationNamesEnumsMinimumsAndRequiredFields() {
        JSONSchemaProps spec = schema().getProperties().get("spec");
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("database", "table", "alter");
        JSONSchemaProps database = spec.getProperties().get("database");
        assertThat(database.getRequired()).containsExactlyInAnyOrder("host", "schema", "credentialsSecretRef");
        assertThat(database.getProperties().get("port").getMinimum()).isEqualTo(1.0);
        assertThat(database.getProperties().get("port").getMaximum()).isEqualTo(65535.0);
        JSONSchemaProps cutOver = spec.getProperties().get("cutOver");
        assertThat(cutOver.getProperties().get("approval").getEnum()).extracting(Object::toString)
                .containsExactlyInAnyOrder("\"Manual\"", "\"Automatic\"");
        assertThat(cutOver.getProperties().get("approval").getDefault().toString()).isEqualTo("\"Manual\"");
        assertThat(cutOver.getProperties().get("method").getEnum()).extracting(Object::toString)
                .containsExactlyInAnyOrder("\"Atomic\"", "\"TwoStep\"");
        assertThat(cutOver.getProperties().get("lockTimeoutSeconds").getMinimum()).isEqualTo(1.0);
        assertThat(spec.getProperties().get("copy").getProperties().get("chunkSize").getMinimum()).isEqualTo(1.0);
        JSONSchemaProps phase = schema().getProperties().get("status").getProperties().get("phase");
        assertThat(phase.getEnum()).extracting(Object::toString).containsExactlyInAnyOrder("\"Pending\"", "\"Inspecting\"", "\"AwaitingPlanApproval\"",
                "\"Copying\"", "\"AwaitingCutOver\"", "\"CutOver\"", "\"Done\"", "\"Reverting\"", "\"Reverted\"", "\"Failed\"", "\"Aborted\"");
    }

    @Test
    void namesAndScope() {
        CustomResourceDefinition crd = SchemaMigrationCrd.definition();
        assertThat(crd.getMetadata().getName()).isEqualTo("schemamigrations.umbra.dev");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("sm");
        assertThat(version().getName()).isEqualTo("v1alpha1");
        assertThat(version().getSubresources().getStatus()).isNotNull();
    }

    private static CustomResourceDefinitionVersion version() {
        return SchemaMigrationCrd.definition().getSpec().getVersions().get(0);
    }

    private static JSONSchemaProps schema() {
        return version().getSchema().getOpenAPIV3Schema();
    }
}
