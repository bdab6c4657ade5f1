package dev.umbra.operator.status;

import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.engine.progress.RevertVerdict;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.PlanStatus;
import dev.umbra.operator.model.RevertStatus;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Objects;
import java.util.Optional;

/**
 * Why the annotation {@code umbra.dev/revert} changes nothing: the migration has not cut over, asked
 * for no revert window, was not reversible, or its window is closed. Said in a Warning Event and in
 * the {@code RevertRequested} condition, so that a person who asked for a revert during an incident
 * learns at once that none is coming, and why.
 *
 * @param reason  the Event's and the condition's reason
 * @param message for people: what did not happen, why, and what to do instead
 */
public record RevertRefusal(String reason, String message) {

    public static final String NOT_CUT_OVER_YET = "NotCutOverYet";
    public static final String NOT_CUT_OVER = "NotCutOver";
    public static final String NO_REVERT_WINDOW = "NoRevertWindow";
    public static final String REVERT_WINDOW_CLOSED = "RevertWindowClosed";

    private static final String NOTHING = "Nothing was reverted: ";

    /**
     * Why a revert cannot be made now, from what the status says; empty for a Reverting or Reverted
     * migration (the annotation that reverted it stays set) and for one whose window the status shows open.
     *
     * @param asked the revert window the spec asks for
     */
    public static Optional<RevertRefusal> of(SchemaMigrationStatus status, RevertOptions asked) {
        MigrationPhase phase = status.getPhase();
        RevertStatus window = status.getRevert();
        if (phase == MigrationPhase.REVERTING || phase == MigrationPhase.REVERTED) {
            return Optional.empty(); // a revert under way or made: nothing to refuse
        }
        if (!asked.enabled()) {
            return refusal(NO_REVERT_WINDOW, "this migration asks for no revert window (spec.revert.window is 0), so its old"
                    + " table is not kept in step after the cut-over. A migration's spec cannot change: undo the change with a"
                    + " new SchemaMigration.");
        }
        if (phase == MigrationPhase.FAILED || phase == MigrationPhase.ABORTED) {
            return refusal(NOT_CUT_OVER, "the migration ended " + phase + " without its cut-over, so the table still has its"
                    + " old definition.");
        }
        if (phase != MigrationPhase.DONE) {
            return refusal(NOT_CUT_OVER_YET, "the migration is " + (phase == null ? "not started" : phase) + " and has not"
                    + " cut over yet. The annotation " + Annotations.REVERT + " acts only within the revert window after the"
                    + " cut-over, and is ignored now: remove it, and set it again once status.revert.reversible is true. To"
                    + " stop the migration instead, abort it (" + Annotations.ABORT + ").");
        }
        Optional<String> notAllowed = verdictRefusal(status.getPlan(), asked);
        if (notAllowed.isPresent()) {
            return refusal(NO_REVERT_WINDOW, "no revert window was opened, as " + notAllowed.get());
        }
        if (window == null) {
            return refusal(NO_REVERT_WINDOW, "no revert window was opened after the cut-over.");
        }
        if (Boolean.TRUE.equals(window.getReversible())) {
            return Optional.empty();
        }
        return refusal(REVERT_WINDOW_CLOSED, "the revert window is closed: " + window(window).orElse("it ended at "
                + window.getUntil()) + ". The table keeps its new definition; undo the change with a new SchemaMigration.");
    }

    /** Whether this refusal is the one the condition already states (said once, not at every reconcile). */
    public boolean alreadyStated(SchemaMigrationStatus status) {
        Condition stated = Conditions.get(status, Conditions.REVERT_REQUESTED);
        return stated != null && "False".equals(stated.getStatus()) && Objects.equals(stated.getReason(), reason);
    }

    /** The Warning Event first, then the condition: whoever sees the condition finds its Event too. */
    public void record(SchemaMigration resource, Events events, StatusRecorder recorder) {
        events.warning(resource, reason, message);
        recorder.update(status -> Conditions.set(status, Conditions.REVERT_REQUESTED, false, reason, message), true);
    }

    /** The plan's verdict, if it rules a window out (NotReversible, or losses that are not accepted). */
    private static Optional<String> verdictRefusal(PlanStatus plan, RevertOptions asked) {
        if (plan == null || plan.getRevert() == null) {
            return Optional.empty();
        }
        String kind = plan.getRevert();
        boolean notReversible = RevertVerdict.Kind.NOT_REVERSIBLE.displayName().equals(kind);
        boolean lossNotAccepted = RevertVerdict.Kind.REVERSIBLE_WITH_LOSS.displayName().equals(kind) && !asked.acceptLoss();
        if (!notReversible && !lossNotAccepted) {
            return Optional.empty();
        }
        String findings = plan.getRevertFindings() == null || plan.getRevertFindings().isEmpty() ? ""
                : ": " + String.join("; ", plan.getRevertFindings());
        return Optional.of("the plan's verdict is " + kind + findings + (lossNotAccepted
                ? " (spec.revert.acceptLoss would accept these losses)" : "") + ".");
    }

    private static Optional<String> window(RevertStatus window) {
        return window == null || window.getReason() == null || window.getReason().isBlank() ? Optional.empty()
                : Optional.of(window.getReason());
    }

    private static Optional<RevertRefusal> refusal(String reason, String why) {
        return Optional.of(new RevertRefusal(reason, NOTHING + why));
    }
}
