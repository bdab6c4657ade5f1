package dev.umbra.engine.checkpoint;

import java.util.List;

/**
 * One key range of the copy and how far it got. The copy reads its ranges in migration-key order;
 * today there is one range, from the table's first key to the highest key read when the copy
 * began. The list form leaves room for parallel copy workers over disjoint ranges.
 *
 * @param lowerExclusive  the range starts after this key; null: at the table's first key
 * @param upperInclusive  the last key of the range: the highest key when the copy began (rows
 *                        above it arrive through the binlog); null: the table was empty
 * @param watermark       every row up to this key is in the ghost table; null: nothing copied yet
 * @param done            the whole range is copied
 */
public record CopyRange(List<Object> lowerExclusive, List<Object> upperInclusive, List<Object> watermark, boolean done) {

    /** The single range of a copy whose upper bound is {@code upper}; nothing copied yet. */
    public static CopyRange whole(List<Object> upper) {
        return new CopyRange(null, upper, null, false);
    }

    /** Where the next chunk starts (exclusive): the watermark, or the range's own start. */
    public List<Object> resumeAfter() {
        return watermark != null ? watermark : lowerExclusive;
    }

    public CopyRange copiedTo(List<Object> key) {
        return new CopyRange(lowerExclusive, upperInclusive, List.copyOf(key), done);
    }

    public CopyRange finished() {
        return new CopyRange(lowerExclusive, upperInclusive, watermark, true);
    }
}
