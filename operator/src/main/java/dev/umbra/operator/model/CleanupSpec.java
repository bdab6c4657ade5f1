package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What happens to the old table after the cut-over. */
public class CleanupSpec {

    /**
     * Drop the old table after the cut-over (with a revert window, when the window ends); by default it
     * stays as {@code _<table>_del}. After a revert, the same goes for the table with the new definition.
     */
    @Default("false")
    @JsonPropertyDescription("Drop the old table after the cut-over (with spec.revert.window, when the window ends); by default"
            + " it stays as _<table>_del. After a revert, the same goes for the table with the new definition (_<table>_gho).")
    private Boolean dropOldTable;

    public Boolean getDropOldTable() {
        return dropOldTable;
    }

    public void setDropOldTable(Boolean dropOldTable) {
        this.dropOldTable = dropOldTable;
    }
}
