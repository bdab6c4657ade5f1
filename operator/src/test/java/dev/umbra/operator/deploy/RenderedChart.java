package dev.umbra.operator.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The chart under charts/umbra rendered by {@code helm template}, as text and as Kubernetes objects. */
record RenderedChart(String yaml, List<HasMetadata> objects) {

    static final Path CHART = Path.of(System.getProperty("umbra.chart.dir", "../charts/umbra"));
    static final Path DEPLOY = Path.of(System.getProperty("umbra.deploy.dir", "../deploy"));
    /** The release name and namespace of deploy/: the chart's defaults. */
    static final String RELEASE = "umbra";
    static final String NAMESPACE = "umbra-system";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static RenderedChart withDefaults() {
        return render(command -> command);
    }

    static RenderedChart render(UnaryOperator<TemplateCommand> values) {
        String yaml = values.apply(new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)).call();
        return new RenderedChart(yaml, parse(yaml));
    }

    /** Rendered with a values file (lists and maps as YAML, which {@code --set} would mangle). */
    static RenderedChart renderWithValues(String valuesYaml) {
        try {
            Path values = Files.createTempFile("umbra-values", ".yaml");
            try {
                Files.writeString(values, valuesYaml);
                return render(command -> command.withValuesFile(values));
            } finally {
                Files.delete(values);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Map<String, Object> document : documents(yaml)) {
            objects.add(SERIALIZATION.convertValue(document, HasMetadata.class));
        }
        return objects;
    }

    /** The YAML documents as maps (empty documents left out), sorted by kind, namespace and name: what a comparison needs. */
    static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (var reader = YAML.readerFor(Map.class).<Map<String, Object>>readValues(yaml)) {
            while (reader.hasNextValue()) {
                Map<String, Object> document = reader.nextValue();
                if (document != null && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        documents.sort(Comparator.comparing(RenderedChart::identity));
        return documents;
    }

    @SuppressWarnings("unchecked")
    static String identity(Map<String, Object> document) {
        Map<String, Object> metadata = (Map<String, Object>) document.getOrDefault("metadata", Map.of());
        return document.get("kind") + "/" + metadata.getOrDefault("namespace", "") + "/" + metadata.get("name");
    }

    /** The one object of this kind and name. */
    <T extends HasMetadata> T object(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(object -> object.getMetadata().getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", found " + found.size() + " in:\n" + yaml);
        }
        return found.get(0);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<String> kinds() {
        return objects.stream().map(HasMetadata::getKind).sorted().toList();
    }

    static String json(Object value) {
        try {
            return JsonMapper.builder().build().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
