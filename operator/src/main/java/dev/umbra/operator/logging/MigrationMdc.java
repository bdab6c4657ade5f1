package dev.umbra.operator.logging;

import dev.umbra.operator.model.SchemaMigration;
import org.slf4j.MDC;

/**
 * Puts the SchemaMigration's namespace and name in the logging context (SLF4J MDC) of the current
 * thread, so that every line logged while working for it carries them (the JSON log format writes
 * them as fields; the engine carries them to the threads it starts).
 */
public final class MigrationMdc implements AutoCloseable {

    public static final String NAMESPACE = "namespace";
    public static final String NAME = "name";

    private final String previousNamespace;
    private final String previousName;

    private MigrationMdc(String namespace, String name) {
        previousNamespace = MDC.get(NAMESPACE);
        previousName = MDC.get(NAME);
        MDC.put(NAMESPACE, namespace);
        MDC.put(NAME, name);
    }

    /** Sets the keys until {@link #close()}, which restores what was there before. */
    public static MigrationMdc of(SchemaMigration resource) {
        return new MigrationMdc(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    }

    @Override
    public void close() {
        restore(NAMESPACE, previousNamespace);
        restore(NAME, previousName);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
