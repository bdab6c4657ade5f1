package dev.umbra.engine.checkpoint;

import dev.umbra.engine.binlog.BinlogPosition;
import java.time.Instant;
import java.util.List;

/**
 * What a migration needs to go on after an interruption, saved in the checkpoint table
 * {@code _<table>_ghk} and mirrored into progress snapshots.
 *
 * @param formatVersion        the layout of this record; a checkpoint of another layout is not resumed
 * @param alter                the ALTER clause list the ghost table was built with
 * @param alterSha256          its SHA-256, so that a DBA can compare without reading the text
 * @param originalFingerprint  the original table's definition when the ghost was built
 * @param ghostFingerprint     the ghost table's definition when it was built
 * @param serverIdentity       the server that wrote the binlog coordinates (server_uuid, or server_id on MariaDB)
 * @param appliedPosition      every binlog transaction up to here is committed in the ghost table
 * @param copyRanges           the copy's key ranges with their watermarks; empty before the copy began
 * @param rowsCopied           rows copied so far (for progress; not used to resume)
 * @param phase                the phase when saved
 * @param savedAt              when it was saved
 */
public record Checkpoint(int formatVersion, String alter, String alterSha256, String originalFingerprint,
                         String ghostFingerprint, String serverIdentity, BinlogPosition appliedPosition,
                         List<CopyRange> copyRanges, long rowsCopied, String phase, Instant savedAt) {

    /** The layout written by this version of Umbra. */
    public static final int FORMAT_VERSION = 1;

    public Checkpoint {
        copyRanges = List.copyOf(copyRanges);
    }

    /** True once the copy has read its key range (the upper bound is saved). */
    public boolean copyBegan() {
        return !copyRanges.isEmpty();
    }

    /** The copy's (single) range, once the copy has read its key range. */
    public java.util.Optional<CopyRange> copyRange() {
        return copyRanges.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(copyRanges.get(0));
    }

    /** True when every range is copied. */
    public boolean copyDone() {
        return copyBegan() && copyRanges.stream().allMatch(CopyRange::done);
    }

    /** A key for people (status, messages), e.g. {@code [42]} or {@code [7, 'abc']}; null stays null. */
    public static String displayKey(List<Object> key) {
        return KeyCodec.display(key);
    }
}
