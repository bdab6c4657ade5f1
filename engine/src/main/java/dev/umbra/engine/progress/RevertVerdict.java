package dev.umbra.engine.progress;

import java.util.List;
import java.util.Objects;

/**
 * Whether a migration can be undone after its cut-over by keeping the old table in step, computed
 * from the two definitions before anything runs (see {@code inspect.Reversibility}).
 *
 * @param kind     the verdict
 * @param findings what decides it, one sentence each: for {@link Kind#NOT_REVERSIBLE} why not, for
 *                 {@link Kind#REVERSIBLE_WITH_LOSS} each loss a revert would take, for {@link
 *                 Kind#REVERSIBLE} what a person should still know (an added column's values go)
 */
public record RevertVerdict(Kind kind, List<String> findings) {

    public RevertVerdict {
        Objects.requireNonNull(kind, "kind");
        findings = List.copyOf(findings);
    }

    public enum Kind {
        /** The inverse of the column mapping keeps every value written since the cut-over. */
        REVERSIBLE("Reversible"),
        /** Reversible only by accepting the named losses ({@code RevertOptions#acceptLoss}). */
        REVERSIBLE_WITH_LOSS("ReversibleWithLoss"),
        /** No revert: the old table could not take the rows written since the cut-over as they are. */
        NOT_REVERSIBLE("NotReversible");

        private final String displayName;

        Kind(String displayName) {
            this.displayName = displayName;
        }

        public String displayName() {
            return displayName;
        }
    }

    /** Whether a revert is offered: always when reversible, with losses only when they are accepted. */
    public boolean allows(boolean lossAccepted) {
        return kind == Kind.REVERSIBLE || (kind == Kind.REVERSIBLE_WITH_LOSS && lossAccepted);
    }

    /** For people: e.g. {@code ReversibleWithLoss: rows inserted since the cut-over get `b`'s default}. */
    public String describe() {
        return findings.isEmpty() ? kind.displayName() : kind.displayName() + ": " + String.join("; ", findings);
    }
}
