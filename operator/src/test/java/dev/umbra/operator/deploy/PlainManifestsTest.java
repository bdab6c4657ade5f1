package dev.umbra.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/ is the chart rendered with its default values (release "umbra" in namespace
 * "umbra-system"), and the chart's CRD is the one under crds/. Objects are compared, not text. Run
 * with {@code -Dumbra.regenerate=true} to rewrite both from the chart and crds/.
 */
class PlainManifestsTest {

    static final Path MANIFEST = RenderedChart.DEPLOY.resolve("umbra-operator.yaml");
    static final Path NAMESPACE = RenderedChart.DEPLOY.resolve("namespace.yaml");
    private static final String REGENERATE = "mvn -B -ntp -pl operator -am verify -Dtest=PlainManifestsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dumbra.regenerate=true";
    private static final boolean REGENERATING = Boolean.getBoolean("umbra.regenerate");

    @Test
    void chartCrdIsTheCheckedInCrd() throws IOException {
        if (REGENERATING) {
            Files.copy(CrdFiles.CHECKED_IN, CrdFiles.CHART_COPY, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!RenderedChart.documents(Files.readString(CrdFiles.CHART_COPY))
                .equals(RenderedChart.documents(Files.readString(CrdFiles.CHECKED_IN)))) {
            fail("charts/umbra/files/" + CrdFiles.FILE + " differs from crds/" + CrdFiles.FILE + ". Copy it:\n  cp crds/"
                    + CrdFiles.FILE + " charts/umbra/files/ (or run " + REGENERATE + ")");
        }
    }

    @Test
    void deployIsTheChartWithDefaultValues() throws IOException {
        String rendered = RenderedChart.withDefaults().yaml();
        if (REGENERATING) {
            Files.writeString(MANIFEST, header() + rendered, StandardCharsets.UTF_8);
        }
        List<Map<String, Object>> expected = RenderedChart.documents(rendered);
        List<Map<String, Object>> actual = Files.exists(MANIFEST)
                ? RenderedChart.documents(Files.readString(MANIFEST)) : List.of();
        if (!actual.equals(expected)) {
            fail("deploy/umbra-operator.yaml is not the chart rendered with its default values ("
                    + expected.stream().map(RenderedChart::identity).toList() + "). Regenerate it:\n  " + REGENERATE);
        }
    }

    @Test
    void deployCreatesTheNamespaceTheManifestsUse() throws IOException {
        assertThat(RenderedChart.parse(Files.readString(NAMESPACE))).singleElement().satisfies(namespace -> {
            assertThat(namespace.getKind()).isEqualTo("Namespace");
            assertThat(namespace.getMetadata().getName()).isEqualTo(RenderedChart.NAMESPACE);
        });
        // kubectl apply -f deploy/ applies the files in name order: the namespace first
        assertThat(NAMESPACE.getFileName().toString()).isLessThan(MANIFEST.getFileName().toString());
    }

    private static String header() {
        return "# The Umbra operator with the Helm chart's default values (charts/umbra, release \"umbra\" in namespace\n"
                + "# \"umbra-system\"): kubectl apply -f deploy/\n"
                + "# Generated; do not edit. PlainManifestsTest checks it; to regenerate after changing the chart:\n"
                + "#   " + REGENERATE + "\n";
    }
}
