package dev.umbra.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chart's Flux health-check expressions (files/flux-health-check.yaml), evaluated with Google's
 * CEL for Java over a SchemaMigration in every phase, the way Flux's kustomize-controller does
 * (fluxcd/pkg runtime/cel): the object's top-level fields as dynamic variables; a lagging observedGeneration is in progress; then InProgress, Failed, Current in that
 * order, and in progress when none holds. A Kustomization with {@code wait: true} must fail at once
 * on a failed migration and never call one that waits for a person failed.
 */
class FluxHealthCheckTest {

    private static final Path CHECK = RenderedChart.CHART.resolve("files/flux-health-check.yaml");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void everyPhaseHasTheHealthFluxShouldReport(MigrationPhase phase) throws Exception {
        String expected = switch (phase) {
            case DONE -> "Current";
            case FAILED, ABORTED, REVERTED -> "Failed"; // a reverted change is not in effect
            default -> "InProgress";
        };
        assertThat(health(MigrationInPhase.of(phase, true))).as("%s", phase).isEqualTo(expected);
    }

    @Test
    void waitingForAPersonIsInProgressNotFailed() throws Exception {
        assertThat(health(MigrationInPhase.of(MigrationPhase.AWAITING_CUT_OVER, false))).isEqualTo("InProgress");

        SchemaMigration paused = MigrationInPhase.paused(MigrationPhase.COPYING);
        assertThat(health(paused)).isEqualTo("InProgress");
    }

    @Test
    void aChangeTheOperatorHasNotSeenYetIsInProgress() throws Exception {
        SchemaMigration done = MigrationInPhase.of(MigrationPhase.DONE, true);
        done.getMetadata().setGeneration(2L);
        assertThat(health(done)).isEqualTo("InProgress");

        SchemaMigration failed = MigrationInPhase.of(MigrationPhase.FAILED, true);
        failed.getMetadata().setGeneration(2L);
        assertThat(health(failed)).isEqualTo("InProgress");
    }

    @Test
    void theCheckIsForSchemaMigrationsAndTheGitOpsPageShowsItAsShipped() throws Exception {
        Map<String, String> check = check();
        assertThat(check).containsEntry("apiVersion", SchemaMigration.GROUP + "/" + SchemaMigration.VERSION)
                .containsEntry("kind", "SchemaMigration");
        String page = Files.readString(RenderedChart.CHART.resolve("../../docs/gitops.md"));
        for (String field : List.of("failed", "current")) {
            assertThat(page).contains(field + ": \"" + check.get(field) + "\"");
        }
    }

    /** Flux's evaluation, step by step (fluxcd/pkg runtime/cel StatusEvaluator). */
    private static String health(SchemaMigration migration) throws Exception {
        Map<String, Object> object = FluxHealthCheckTest.<Map<String, Object>>celValues(SERIALIZATION.convertValue(migration, Map.class));
        Map<?, ?> status = (Map<?, ?>) object.get("status");
        Map<?, ?> metadata = (Map<?, ?>) object.get("metadata");
        if (status != null && status.containsKey("observedGeneration") && metadata.containsKey("generation")
                && !status.get("observedGeneration").equals(metadata.get("generation"))) {
            return "InProgress";
        }
        Map<String, String> check = check();
        for (String rule : List.of("inProgress", "failed", "current")) {
            String expression = check.get(rule);
            if (expression != null && evaluate(expression, object)) {
                return Character.toUpperCase(rule.charAt(0)) + rule.substring(1);
            }
        }
        return "InProgress";
    }

    private static boolean evaluate(String expression, Map<String, Object> object) throws Exception {
        // cel-java runs only type-checked expressions: every top-level field of the object is
        // declared dynamic, which checks nothing about its contents, as Flux's parse-only use.
        CelCompilerBuilder compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS);
        object.keySet().forEach(field -> compiler.addVar(field, SimpleType.DYN));
        CelAbstractSyntaxTree checked = compiler.build().compile(expression).getAst();
        Object result = RUNTIME.createProgram(checked).eval(object);
        assertThat(result).as("%s gives a boolean", expression).isInstanceOf(Boolean.class);
        return (Boolean) result;
    }

    private static Map<String, String> check() throws Exception {
        List<Map<String, String>> checks = new ObjectMapper(new YAMLFactory())
                .readValue(CHECK.toFile(), new TypeReference<List<Map<String, String>>>() { });
        assertThat(checks).hasSize(1);
        return checks.get(0);
    }

    /** JSON values as CEL takes them: every integer a long. */
    @SuppressWarnings("unchecked")
    private static <T> T celValues(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> converted = new LinkedHashMap<>();
            map.forEach((key, item) -> converted.put((String) key, celValues(item)));
            return (T) converted;
        }
        if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>();
            list.forEach(item -> converted.add(celValues(item)));
            return (T) converted;
        }
        if (value instanceof Integer number) {
            return (T) Long.valueOf(number);
        }
        return (T) value;
    }
}
