package dev.umbra.operator.deploy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CRD under crds/ (the generated one, see SchemaMigrationCrdTest) and the chart's copy of it. */
final class CrdFiles {

    static final String FILE = "schemamigrations.umbra.dev.yaml";
    static final Path CHECKED_IN = Path.of(System.getProperty("umbra.crds.dir", "../crds"), FILE);
    static final Path CHART_COPY = RenderedChart.CHART.resolve("files").resolve(FILE);

    private CrdFiles() {
    }

    static CustomResourceDefinition checkedIn() {
        return read(CHECKED_IN);
    }

    static CustomResourceDefinition read(Path file) {
        try {
            return new KubernetesSerialization().unmarshal(Files.readString(file), CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
