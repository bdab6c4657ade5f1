package dev.umbra.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The SchemaMigration CRD as Umbra installs it: the one Fabric8's CRD generator writes at build time
 * ({@value #GENERATED}), with the printer columns in the order the model declares them (the
 * generator sorts them by name, and {@code kubectl get} shows them in the CRD's order). The
 * checked-in {@code crds/schemamigrations.umbra.dev.yaml} is exactly {@link #yaml()}.
 */
public final class SchemaMigrationCrd {

    /** Where the CRD generator puts its output on the classpath. */
    public static final String GENERATED = "META-INF/fabric8/" + SchemaMigration.CRD_NAME + "-v1.yml";

    private static final String HEADER = "# Generated from the operator's model (dev.umbra.operator.model) by Fabric8's CRD generator.\n"
            + "# Do not edit: change the model, build, and copy operator/target/schemamigrations.umbra.dev.yaml here.\n";

    private SchemaMigrationCrd() {
    }

    public static CustomResourceDefinition definition() {
        KubernetesSerialization serialization = new KubernetesSerialization();
        CustomResourceDefinition crd;
        try (InputStream in = SchemaMigrationCrd.class.getClassLoader().getResourceAsStream(GENERATED)) {
            if (in == null) {
                throw new IllegalStateException(GENERATED + " is not on the classpath: build the operator module first");
            }
            crd = serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> declared = Arrays.stream(SchemaMigration.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
            if (columns != null) {
                columns.sort(Comparator.comparingInt(column -> declared.indexOf(column.getName())));
            }
        }
        return crd;
    }

    /** The CRD as YAML, the form checked in under {@code crds/}. */
    public static String yaml() {
        return HEADER + new KubernetesSerialization().asYaml(definition());
    }
}
