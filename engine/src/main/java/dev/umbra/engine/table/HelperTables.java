package dev.umbra.engine.table;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The names of the helper tables, the ones DBAs know from gh-ost: {@code _<table>_gho} (ghost),
 * {@code _<table>_ghc} (changelog and heartbeat), {@code _<table>_del} (the old table after
 * cut-over), and Umbra's own {@code _<table>_ghk} (the checkpoint an interrupted run resumes from). A table name near MySQL's 64-character limit is shortened, keeping a hash of the full
 * name so that two long names sharing a prefix still get different helpers.
 */
public record HelperTables(String ghost, String changelog, String old, String checkpoint) {

    static final int MAX_IDENTIFIER_LENGTH = 64;
    private static final int SUFFIX_LENGTH = "_gho".length() + 1; // leading underscore + suffix
    private static final int GUARD_SUFFIX_LENGTH = "_ug".length() + 6;

    public static HelperTables forTable(String table) {
        String base = fitting(table);
        return new HelperTables("_" + base + "_gho", "_" + base + "_ghc", "_" + base + "_del", "_" + base + "_ghk");
    }

    /**
     * The two empty tables a two-session cut-over attempt creates next to the original (see
     * {@code cutover.RenameGuard}): {@code <table>_ug<hash>} and {@code <table>_up<hash>}, names that
     * sort right after the original's. Fixed per table, so that the next run of the migration can drop
     * those of a run that died in the middle of an attempt. Empty when the original's name leaves no room.
     */
    public static List<String> cutOverGuards(String table) {
        if (table.length() + GUARD_SUFFIX_LENGTH > MAX_IDENTIFIER_LENGTH) {
            return List.of();
        }
        String hash = shortHash(table).substring(0, 6);
        return List.of(table + "_ug" + hash, table + "_up" + hash);
    }

    private static String fitting(String table) {
        if (table.length() + SUFFIX_LENGTH <= MAX_IDENTIFIER_LENGTH) {
            return table;
        }
        String hash = shortHash(table);
        int keep = MAX_IDENTIFIER_LENGTH - SUFFIX_LENGTH - hash.length() - 1;
        return table.substring(0, keep) + "_" + hash;
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
