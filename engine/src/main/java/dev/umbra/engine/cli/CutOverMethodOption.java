package dev.umbra.engine.cli;

import dev.umbra.engine.plan.CutOverMethod;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --cut-over atomic|two-step}. */
final class CutOverMethodOption {

    private CutOverMethodOption() {
    }

    /** {@code atomic} or {@code two-step} to {@link CutOverMethod}. */
    static final class Converter implements ITypeConverter<CutOverMethod> {
        @Override
        public CutOverMethod convert(String value) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "atomic":
                    return CutOverMethod.ATOMIC;
                case "two-step":
                    return CutOverMethod.TWO_STEP;
                default:
                    throw new TypeConversionException("'" + value + "' is not a cut-over method; use atomic or two-step");
            }
        }
    }

    /** The names --cut-over accepts, for the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("atomic", "two-step").iterator();
        }
    }
}
