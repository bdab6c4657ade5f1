package dev.umbra.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a test once per selected flavor ({@code -Dumbra.servers}), passing a fresh
 * {@link TestDatabase}; the flavor id is the invocation's name, e.g. {@code [mysql8]}.
 *
 * <pre>{@code
 * @EveryFlavor
 * void copiesRows(TestDatabase db) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "[{0}]")
@ArgumentsSource(SelectedFlavors.class)
public @interface EveryFlavor {
}
