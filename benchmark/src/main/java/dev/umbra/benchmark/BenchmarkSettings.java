package dev.umbra.benchmark;

import java.util.List;

/**
 * What to run.
 *
 * @param rows          rows in the table
 * @param writerRate    total operations per second of the steady writer (case c)
 * @param writerThreads threads of the steady writer (case c)
 * @param flatOutThreads threads of the flat-out writer (case d), each writing as fast as the server allows
 * @param cases         the cases, in order; the baseline (a) should be among them for the ratios
 * @param chunkSize     Umbra's initial rows per copy chunk; 0 for its default
 * @param caseLimit     how long an Umbra case may run before it is aborted and reported as not finished
 */
record BenchmarkSettings(long rows, int writerRate, int writerThreads, int flatOutThreads, List<BenchmarkCase> cases, int chunkSize,
                         java.time.Duration caseLimit) {
}
