package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What happens to the old table after the cut-over. */
public class CleanupSpec {

    /** Drop the old table after the cut-over; by default it stays as {@code _<table>_del}. */
    @Default("false")
    @JsonPropertyDescription("Drop the old table after the cut-over; by default it stays as _<table>_del.")
    private Boolean dropOldTable;

    public Boolean getDropOldTable() {
        return dropOldTable;
    }

    public void setDropOldTable(Boolean dropOldTable) {
        this.dropOldTable = dropOldTable;
    }
}
