package dev.umbra.engine.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Server errors that quote row values lose the values, and keep everything else, before they reach status. */
class ServerMessagesTest {

    @Test
    void quotedRowValuesAreLeftOut() {
        assertThat(ServerMessages.withoutValues("Duplicate entry 'alice@example.com' for key 'uk_email'"))
                .isEqualTo("Duplicate entry (value left out) for key 'uk_email'");
        assertThat(ServerMessages.withoutValues("Duplicate entry 'it''s\nmulti-line' for key 't.uk'"))
                .isEqualTo("Duplicate entry (value left out) for key 't.uk'");
        assertThat(ServerMessages.withoutValues("Incorrect integer value: 'abc-secret' for column 'qty' at row 1"))
                .isEqualTo("Incorrect integer value (value left out) for column 'qty' at row 1");
        assertThat(ServerMessages.withoutValues("Truncated incorrect DOUBLE value: 'x1-secret'"))
                .isEqualTo("Truncated incorrect DOUBLE value (value left out)");
        assertThat(ServerMessages.withoutValues("Incorrect datetime value: '2024-13-01' for column `at` at row 3"))
                .isEqualTo("Incorrect datetime value (value left out) for column `at` at row 3");
    }

    @Test
    void messagesWithoutValuesAreUnchanged() {
        String message = "Lock wait timeout exceeded; try restarting transaction";
        assertThat(ServerMessages.withoutValues(message)).isEqualTo(message);
        assertThat(ServerMessages.withoutValues("Data too long for column 'name' at row 1")).isEqualTo("Data too long for column 'name' at row 1");
        assertThat(ServerMessages.withoutValues(null)).isNull();
    }
}
