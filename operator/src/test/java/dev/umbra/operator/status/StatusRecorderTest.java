package dev.umbra.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.testkit.kubernetes.InProcessKubernetes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The status recorder writes at most once per interval, at once when asked, and never an unchanged status. */
class StatusRecorderTest {

    private static InProcessKubernetes kubernetes;

    @BeforeAll
    static void start() {
        kubernetes = InProcessKubernetes.start(SchemaMigrationCrd.definition());
        kubernetes.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("recorder").endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() {
        kubernetes.close();
    }

    @Test
    void writesAtMostOncePerIntervalUnlessAskedAndNeverWhatIsAlreadyWritten() {
        SchemaMigration created = create("rate");
        StatusRecorder recorder = new StatusRecorders(kubernetes.client(), Duration.ofHours(1)).forResource(created);

        recorder.update(status -> status.setPhase(MigrationPhase.PENDING), false); // the first write is never held
        String first = version("rate");
        assertThat(stored("rate").getStatus().getPhase()).isEqualTo(MigrationPhase.PENDING);
        assertThat(stored("rate").getStatus().getObservedGeneration()).isEqualTo(1L);

        for (long rows = 1; rows <= 5; rows++) {
            long copied = rows;
            recorder.update(status -> status.setRowsCopied(copied), false);
        }
        assertThat(version("rate")).as("held: the interval has not passed").isEqualTo(first);
        assertThat(recorder.current().getRowsCopied()).isEqualTo(5L);

        recorder.update(status -> status.setPhase(MigrationPhase.COPYING), true);
        String second = version("rate");
        assertThat(second).isNotEqualTo(first);
        assertThat(stored("rate").getStatus().getRowsCopied()).isEqualTo(5L);

        recorder.update(status -> status.setPhase(MigrationPhase.COPYING), true);
        recorder.flush();
        assertThat(version("rate")).as("nothing changed: nothing written").isEqualTo(second);

        recorder.update(status -> status.setMessage(null), true);
        recorder.update(status -> status.setMessage("hello"), true);
        recorder.update(status -> status.setMessage(null), true);
        assertThat(stored("rate").getStatus().getMessage()).as("a field set to null is removed").isNull();
    }

    @Test
    void conditionTransitionTimeMovesOnlyWhenItsStatusChanges() {
        StatusRecorder recorder = new StatusRecorders(kubernetes.client(), Duration.ZERO).forResource(create("conditions"));
        recorder.update(status -> Conditions.set(status, Conditions.PAUSED, false, "NotPaused", "not paused"), true);
        String since = stored("conditions").getStatus().getConditions().get(0).getLastTransitionTime();
        recorder.update(status -> Conditions.set(status, Conditions.PAUSED, false, "Resumed", "resumed"), true);
        assertThat(stored("conditions").getStatus().getConditions()).singleElement()
                .satisfies(condition -> assertThat(condition.getLastTransitionTime()).isEqualTo(since))
                .satisfies(condition -> assertThat(condition.getReason()).isEqualTo("Resumed"));
        recorder.update(status -> Conditions.set(status, Conditions.PAUSED, true, "PausedByAnnotation", "paused"), true);
        assertThat(stored("conditions").getStatus().getConditions().get(0).getLastTransitionTime()).isNotEqualTo(since);
    }

    private static SchemaMigration create(String name) {
        SchemaMigration migration = new SchemaMigration();
        migration.getMetadata().setName(name);
        migration.getMetadata().setNamespace("recorder");
        migration.getMetadata().setGeneration(1L);
        return kubernetes.client().resource(migration).create();
    }

    private static SchemaMigration stored(String name) {
        return kubernetes.client().resources(SchemaMigration.class).inNamespace("recorder").withName(name).get();
    }

    private static String version(String name) {
        return stored(name).getMetadata().getResourceVersion();
    }
}
