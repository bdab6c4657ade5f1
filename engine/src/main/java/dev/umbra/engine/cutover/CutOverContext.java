package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.logging.Diagnostics;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.Sql;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a cut-over attempt works with.
 *
 * @param lockTimeout        the longest writers may be blocked by one attempt
 * @param carryAutoIncrement copy the original's AUTO_INCREMENT counter to the ghost under the lock
 *                           (false when the ALTER sets one explicitly)
 * @param cascadingParents   the parents of the original's cascading foreign keys: locked for reading
 *                           with the original, because MySQL 5.7 cascades a parent's change into a
 *                           child that another session holds under LOCK TABLES ... WRITE (measured),
 *                           after the last change the attempt waits for has come through the binlog
 * @param throttle           why work should hold now (paused, load, replica lag), if it should: an
 *                           attempt that sees a reason while it holds the lock gives up at once
 *                           instead of keeping writers blocked
 * @param hook               called at each {@link CutOverStep} (tests only; {@link CutOverHook#NONE} otherwise)
 * @param parentsLockedForWriting lock the cascading parents for writing rather than reading: a read
 *                           lock that is waited for lets new writers of the parent pass, so under a
 *                           parent that always has a write transaction open it is never granted
 */
public record CutOverContext(TableName table, String ghost, String old, Changelog changelog,
                             Connections connections, ApplyLoop applyLoop, Duration lockTimeout,
                             boolean carryAutoIncrement, Set<String> cascadingParents, Supplier<Optional<String>> throttle, CutOverHook hook,
                             Diagnostics diagnostics, boolean parentsLockedForWriting) {

    /** The same attempt with the parents locked for writing; a write lock waited for holds new writers back. */
    public CutOverContext withParentsLockedForWriting() {
        return new CutOverContext(table, ghost, old, changelog, connections, applyLoop, lockTimeout, carryAutoIncrement,
                cascadingParents, throttle, hook, diagnostics, true);
    }

    String qualifiedOriginal() {
        return Sql.qualified(table);
    }

    public String schema() {
        return table.schema();
    }

    /** The original table's name. */
    public String original() {
        return table.name();
    }

    /** {@code , `s`.`parent` READ} (or {@code WRITE}) for each cascading parent, or nothing. */
    String locksOnParents() {
        String mode = parentsLockedForWriting ? " WRITE" : " READ";
        return cascadingParents.stream().sorted().map(parent -> ", " + Sql.qualified(table.sibling(parent)) + mode)
                .collect(Collectors.joining());
    }

    String qualifiedGhost() {
        return Sql.qualified(table.sibling(ghost));
    }

    String qualifiedOld() {
        return Sql.qualified(table.sibling(old));
    }

    /** Gives up the attempt if work should hold now: holding the lock while throttled would stall writers. */
    void checkNotThrottled() throws CutOverAttemptException {
        Optional<String> reason = throttle.get();
        if (reason.isPresent()) {
            throw new CutOverAttemptException("throttled during the cut-over (" + reason.get()
                    + "); the attempt released its lock instead of holding writers");
        }
    }

    void reached(CutOverStep step, CutOverHook.Sessions sessions) throws CutOverAttemptException, InterruptedException {
        try {
            hook.reached(step, sessions);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new CutOverAttemptException("the cut-over hook at " + step + " failed: " + e.getMessage(), e);
        }
    }
}
