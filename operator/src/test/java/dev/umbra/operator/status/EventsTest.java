package dev.umbra.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.operator.testing.MovableClock;
import dev.umbra.testkit.kubernetes.InProcessKubernetes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events do not flood a namespace: a throttle that flaps, or any reason that repeats, counts on one
 * Event per reason (with the latest message and time) while repeats come within ten minutes.
 */
class EventsTest {

    private static final String NAMESPACE = "events";
    private static InProcessKubernetes kubernetes;

    @BeforeAll
    static void start() {
        kubernetes = InProcessKubernetes.start(SchemaMigrationCrd.definition());
        kubernetes.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() {
        kubernetes.close();
    }

    @Test
    void aFlappingThrottleLeavesOneEventPerReasonWithItsCount() {
        SchemaMigration migration = create("flapping");
        MovableClock clock = new MovableClock();
        Events events = new Events(kubernetes.client(), clock);

        for (int i = 1; i <= 50; i++) {
            events.normal(migration, "Throttled", "Copy and apply hold back: max load Threads_running=" + (30 + i) + " > 25");
            clock.advance(Duration.ofSeconds(5));
            events.normal(migration, "ThrottleReleased", "Copy and apply run again.");
            clock.advance(Duration.ofSeconds(5));
        }
        events.warning(migration, "Failed", "Failed: something");

        List<Event> stored = eventsOf("flapping");
        assertThat(stored).extracting(Event::getReason).containsExactlyInAnyOrder("Throttled", "ThrottleReleased", "Failed");
        Event throttled = stored.stream().filter(e -> e.getReason().equals("Throttled")).findFirst().orElseThrow();
        assertThat(throttled.getCount()).isEqualTo(50);
        assertThat(throttled.getMessage()).as("the latest message").endsWith("Threads_running=80 > 25");
        assertThat(Instant.parse(throttled.getLastTimestamp())).isAfter(Instant.parse(throttled.getFirstTimestamp()));
    }

    @Test
    void aRepeatAfterTheWindowStartsANewEvent() {
        SchemaMigration migration = create("later");
        MovableClock clock = new MovableClock();
        Events events = new Events(kubernetes.client(), clock);

        events.normal(migration, "Throttled", "first");
        clock.advance(Events.AGGREGATION_WINDOW.plusSeconds(1));
        events.normal(migration, "Throttled", "second");

        assertThat(eventsOf("later")).extracting(Event::getMessage).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void anEventThatExpiredIsCreatedAgain() {
        SchemaMigration migration = create("expired");
        MovableClock clock = new MovableClock();
        Events events = new Events(kubernetes.client(), clock);

        events.normal(migration, "Throttled", "first");
        kubernetes.client().v1().events().inNamespace(NAMESPACE).delete(); // the API server's TTL removed it
        events.normal(migration, "Throttled", "again");

        assertThat(eventsOf("expired")).extracting(Event::getMessage).containsExactly("again");
    }

    private static List<Event> eventsOf(String name) {
        return kubernetes.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(event -> event.getInvolvedObject().getName().equals(name))
                .sorted(Comparator.comparing(Event::getFirstTimestamp)).toList();
    }

    private static SchemaMigration create(String name) {
        SchemaMigration migration = new SchemaMigration();
        migration.getMetadata().setName(name);
        migration.getMetadata().setNamespace(NAMESPACE);
        return kubernetes.client().resource(migration).create();
    }
}
