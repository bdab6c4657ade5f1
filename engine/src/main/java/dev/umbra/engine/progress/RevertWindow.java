package dev.umbra.engine.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The revert window after a cut-over (see {@code RevertOptions}), as the status shows it.
 *
 * @param until      when the window ends (or ended)
 * @param reversible whether a revert may be asked for now: the window is open, the old table is kept
 *                   in step, and every row written since the cut-over fitted it
 * @param lag        how far the old table is behind the table (the age of the newest heartbeat that
 *                   came back through the binlog), while it is kept in step
 * @param reason     why no revert is possible, or the losses a revert accepts; empty otherwise
 */
public record RevertWindow(Instant until, boolean reversible, Optional<Duration> lag, String reason) {
}
