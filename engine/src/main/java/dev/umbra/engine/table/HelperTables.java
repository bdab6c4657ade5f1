package dev.umbra.engine.table;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of the helper tables, the ones DBAs know from gh-ost: {@code _<table>_gho} (ghost),
 * {@code _<table>_ghc} (changelog and heartbeat), {@code _<table>_del} (the old table after
 * cut-over), and Umbra's own {@code _<table>_ghk} (the checkpoint an interrupted run resumes from). A table name near MySQL's 64-character limit is shortened, keeping a hash of the full
 * name so that two long names sharing a prefix still get different helpers.
 */
public record HelperTables(String ghost, String changelog, String old, String checkpoint) {

    static final int MAX_IDENTIFIER_LENGTH = 64;
    private static final int SUFFIX_LENGTH = "_gho".length() + 1; // leading underscore + suffix

    public static HelperTables forTable(String table) {
        String base = fitting(table);
        return new HelperTables("_" + base + "_gho", "_" + base + "_ghc", "_" + base + "_del", "_" + base + "_ghk");
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
