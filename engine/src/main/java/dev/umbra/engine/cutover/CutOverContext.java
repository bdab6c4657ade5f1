package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.Sql;
import java.time.Duration;

/**
 * What a cut-over attempt works with.
 *
 * @param lockTimeout        the longest writers may be blocked by one attempt
 * @param carryAutoIncrement copy the original's AUTO_INCREMENT counter to the ghost under the lock
 *                           (false when the ALTER sets one explicitly)
 */
public record CutOverContext(String schema, String original, String ghost, String old, Changelog changelog,
                             Connections connections, ApplyLoop applyLoop, Duration lockTimeout,
                             boolean carryAutoIncrement) {

    String qualifiedOriginal() {
        return Sql.qualified(schema, original);
    }

    String qualifiedGhost() {
        return Sql.qualified(schema, ghost);
    }

    String qualifiedOld() {
        return Sql.qualified(schema, old);
    }
}
