package dev.umbra.testkit;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;

/** One {@link TestDatabase} per flavor selected with {@code -Dumbra.servers}. */
public final class SelectedFlavors implements ArgumentsProvider {

    @Override
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
        return Flavor.selected().stream()
                .map(flavor -> Arguments.of(Named.of(flavor.id(), new TestDatabase(flavor))));
    }
}
