package dev.umbra.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The chart's Argo CD health check (files/argocd-health.lua), run with a Lua interpreter over a
 * SchemaMigration in every phase, as Argo CD runs it: Healthy when Done, Degraded when it failed, was
 * aborted or was reverted, Suspended while it waits for a person, Progressing otherwise.
 */
class ArgoCdHealthCheckTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void everyPhaseHasTheHealthArgoCdShouldShow(MigrationPhase phase) throws Exception {
        String expected = switch (phase) {
            case DONE -> "Healthy";
            case FAILED, ABORTED, REVERTED -> "Degraded";
            default -> "Progressing";
        };
        assertThat(health(MigrationInPhase.of(phase, true)).get("status").tojstring()).as("%s", phase).isEqualTo(expected);
    }

    @Test
    void waitingForAnApprovalOrPausedIsSuspendedWithTheReason() throws Exception {
        LuaValue awaiting = health(MigrationInPhase.of(MigrationPhase.AWAITING_CUT_OVER, false));
        assertThat(awaiting.get("status").tojstring()).isEqualTo("Suspended");
        assertThat(awaiting.get("message").tojstring()).startsWith("AwaitingCutOverApproval: ");

        LuaValue plan = health(MigrationInPhase.of(MigrationPhase.AWAITING_PLAN_APPROVAL, false));
        assertThat(plan.get("status").tojstring()).isEqualTo("Suspended");
        assertThat(plan.get("message").tojstring()).startsWith("AwaitingPlanApproval: ");

        SchemaMigration paused = MigrationInPhase.paused(MigrationPhase.COPYING);
        assertThat(health(paused).get("status").tojstring()).isEqualTo("Suspended");
    }

    @Test
    void aChangeTheOperatorHasNotSeenYetIsProgressingAndNoStatusIsToo() throws Exception {
        SchemaMigration done = MigrationInPhase.of(MigrationPhase.DONE, true);
        done.getMetadata().setGeneration(2L);
        assertThat(health(done).get("status").tojstring()).isEqualTo("Progressing");

        SchemaMigration fresh = new SchemaMigration();
        fresh.getMetadata().setName("fresh");
        assertThat(health(fresh).get("status").tojstring()).isEqualTo("Progressing");
    }

    @Test
    void theChartRendersTheSameCheckIntoAConfigMapForArgoCdOnRequest() throws Exception {
        assertThat(RenderedChart.withDefaults().kinds()).doesNotContain("ConfigMap");
        ConfigMap snippet = RenderedChart.render(values -> values.set("argocd.healthCheck.configMap", true))
                .object(ConfigMap.class, "umbra-argocd-health");
        assertThat(snippet.getData().get("resource.customizations.health.umbra.dev_SchemaMigration").strip())
                .isEqualTo(script().strip());
    }

    /** Runs the check as Argo CD does: the resource as the global {@code obj}, the returned table's fields. */
    private static LuaValue health(SchemaMigration migration) throws Exception {
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", lua(SERIALIZATION.convertValue(migration, JsonNode.class)));
        return globals.load(script(), "argocd-health.lua").call();
    }

    private static String script() throws Exception {
        return Files.readString(RenderedChart.CHART.resolve("files/argocd-health.lua"));
    }

    private static LuaValue lua(JsonNode node) {
        if (node == null || node.isNull()) {
            return LuaValue.NIL;
        }
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                table.set(field.getKey(), lua(field.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, lua(node.get(i)));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return LuaValue.valueOf(node.asText());
    }
}
