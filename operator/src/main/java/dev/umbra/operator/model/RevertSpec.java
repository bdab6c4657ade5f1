package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * Whether the cut-over can be undone for a while: the old table is kept in step with every write
 * to the new one, and the annotation {@code umbra.dev/revert: "true"} swaps the tables back.
 */
public class RevertSpec {

    /**
     * Whole numbers with the units d, h, m, s, largest first. The API server checks the form; the
     * operator checks the bound (7 days, the engine's {@code RevertOptions.MAX_WINDOW}).
     */
    public static final String WINDOW_PATTERN = "^(0|([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?)$";

    /** How long after the cut-over a revert may be asked for; {@code 0}, the default, asks for no window. */
    @Default("0")
    @Size(min = 1, max = 40)
    @Pattern(WINDOW_PATTERN)
    @JsonPropertyDescription("How long after the cut-over the old table is kept in step with every write to the new one, so"
            + " that the annotation umbra.dev/revert: \"true\" can swap the tables back: e.g. 30m, 2h, 1h30m, 1d; at most 7d."
            + " 0 (the default) keeps nothing in step and offers no revert. The migration is Done meanwhile and holds one"
            + " of the operator's runners; at the window's end the old table is dropped or kept as spec.cleanup says.")
    private String window;

    /** Offer the revert even where the plan names data a revert would lose. */
    @Default("false")
    @JsonPropertyDescription("Offer the revert even where the plan (status.plan.revert ReversibleWithLoss) names values a revert"
            + " would lose, e.g. a dropped column's values of rows inserted since the cut-over. Without it such a migration"
            + " opens no window.")
    private Boolean acceptLoss;

    public String getWindow() {
        return window;
    }

    public void setWindow(String window) {
        this.window = window;
    }

    public Boolean getAcceptLoss() {
        return acceptLoss;
    }

    public void setAcceptLoss(Boolean acceptLoss) {
        this.acceptLoss = acceptLoss;
    }
}
