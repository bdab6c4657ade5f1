package dev.umbra.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One online ALTER of one table, as a Kubernetes resource: the operator runs it, reports its
 * progress in the status, and swaps the tables when the cut-over is approved.
 */
@Group(SchemaMigration.GROUP)
@Version(SchemaMigration.VERSION)
@Kind("SchemaMigration")
@Singular("schemamigration")
@Plural("schemamigrations")
@ShortNames("sm")
@Categories({"umbra", "all-migrations"})
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "ETA", jsonPath = ".status.eta", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Lag", jsonPath = ".status.lag", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Revertible", jsonPath = ".status.revert.reversible",
        type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SchemaMigration extends CustomResource<SchemaMigrationSpec, SchemaMigrationStatus> implements Namespaced {

    public static final String GROUP = "umbra.dev";
    public static final String VERSION = "v1alpha1";
    /** The CRD's name, {@code <plural>.<group>}. */
    public static final String CRD_NAME = "schemamigrations." + GROUP;

    @Override
    protected SchemaMigrationStatus initStatus() {
        return new SchemaMigrationStatus();
    }
}
