package dev.umbra.operator.model;

/** What the resource's annotations ask for right now. */
public record ControlRequests(boolean approvePlan, boolean approveCutOver, boolean paused, boolean abort, boolean revert) {

    public static ControlRequests of(SchemaMigration resource) {
        return new ControlRequests(Annotations.isSet(resource, Annotations.APPROVE_PLAN),
                Annotations.isSet(resource, Annotations.APPROVE_CUT_OVER),
                Annotations.isSet(resource, Annotations.PAUSED), Annotations.isSet(resource, Annotations.ABORT),
                Annotations.isSet(resource, Annotations.REVERT));
    }
}
