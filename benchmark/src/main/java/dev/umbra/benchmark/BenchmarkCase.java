package dev.umbra.benchmark;

/** The cases the benchmark runs, in order; (a) is the baseline the others are compared with. */
enum BenchmarkCase {
    NATIVE("a", "native ALTER ... ALGORITHM=COPY, idle"),
    IDLE("b", "Umbra online copy, idle"),
    IDLE_WITHOUT_CHECKSUM("n", "Umbra online copy, idle, without its checksum"),
    STEADY_WRITER("c", "Umbra online copy, writer at the set rate"),
    FLAT_OUT_WRITER("d", "Umbra online copy, writer flat out"),
    FLAT_OUT_ONE_APPLY_SESSION("s", "Umbra online copy, writer flat out, one apply session"),
    INSTANT("i", "Umbra with instant DDL allowed, idle"),
    FIXED_CHUNKS("f", "Umbra online copy, idle, fixed 1,000-row chunks"),
    TWO_WORKERS("p", "Umbra online copy, idle, two copy workers"),
    ONE_LARGE_TRANSACTION("t", "Umbra online copy, one transaction updating every row during the copy"),
    CLI_START("j", "umbra CLI dry run in a new JVM: start and inspection"),
    PT_OSC("k", "pt-online-schema-change, idle (its defaults; no checksum)");

    private final String letter;
    private final String description;

    BenchmarkCase(String letter, String description) {
        this.letter = letter;
        this.description = description;
    }

    String letter() {
        return letter;
    }

    String description() {
        return description;
    }

    static BenchmarkCase byLetter(String letter) {
        for (BenchmarkCase value : values()) {
            if (value.letter.equalsIgnoreCase(letter.trim())) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown case '" + letter + "': use a, b, n, c, d, s, i, f, p, t, j or k");
    }
}
