package dev.umbra.engine.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.binlog.RowChange;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding a batch to each key's final state: what the applier writes, and in which order. */
class FoldedChangesTest {

    private static final FoldedChanges BY_ID = new FoldedChanges(List.of(0));

    @Test
    void eachKeyEndsInItsLastImageOrGone() {
        List<FoldedChanges.FinalState> states = BY_ID.fold(List.of(
                insert(3, "a"), update(3, "a", 3, "b"), insert(1, "x"), delete(1, "x"), update(2, "p", 2, "q"),
                insert(2, "r")));

        assertThat(states).extracting(state -> state.key().get(0)).containsExactly(1L, 2L, 3L);
        assertThat(states.get(0).gone()).isTrue();
        assertThat(states.get(1).row()).containsExactly(2L, "r");
        assertThat(states.get(2).row()).containsExactly(3L, "b");
    }

    @Test
    void anUpdateThatChangesTheKeyLeavesTheOldKeyGone() {
        List<FoldedChanges.FinalState> states = BY_ID.fold(List.of(update(5, "a", 9, "a")));

        assertThat(states).extracting(state -> state.key().get(0)).containsExactly(5L, 9L);
        assertThat(states.get(0).gone()).isTrue();
        assertThat(states.get(0).keyImage()).containsExactly(5L, "a");
        assertThat(states.get(1).row()).containsExactly(9L, "a");
    }

    @Test
    void aKeyMovedAwayAndBackEndsWithTheRow() {
        List<FoldedChanges.FinalState> states = BY_ID.fold(List.of(update(5, "a", 9, "a"), update(9, "a", 5, "b")));

        assertThat(states).extracting(FoldedChanges.FinalState::gone).containsExactly(false, true);
        assertThat(states.get(0).row()).containsExactly(5L, "b");
    }

    @Test
    void numericKeysComeInAscendingOrderAcrossTypesAndColumns() {
        FoldedChanges twoColumns = new FoldedChanges(List.of(0, 1));
        List<FoldedChanges.FinalState> states = twoColumns.fold(List.of(
                insert2(2, new java.math.BigDecimal("1.5")), insert2(1, 7L), insert2(2, 1), insert2(-4, 0)));

        assertThat(states).extracting(state -> state.key().get(0).toString() + "/" + state.key().get(1))
                .containsExactly("-4/0", "1/7", "2/1", "2/1.5");
    }

    @Test
    void textKeysKeepTheOrderTheyWereFirstTouchedAndBytesCompareByContent() {
        List<FoldedChanges.FinalState> states = BY_ID.fold(List.of(
                new RowChange(RowChange.Kind.INSERT, "t", null, new Serializable[] {"b".getBytes(), "1"}),
                new RowChange(RowChange.Kind.INSERT, "t", null, new Serializable[] {"a".getBytes(), "2"}),
                new RowChange(RowChange.Kind.DELETE, "t", new Serializable[] {"b".getBytes(), "1"}, null)));

        assertThat(states).hasSize(2);
        assertThat(states.get(0).gone()).as("b, deleted by an image with an equal but other byte array").isTrue();
        assertThat(states.get(1).row()[1]).isEqualTo("2");
    }

    private static RowChange insert(long id, String value) {
        return new RowChange(RowChange.Kind.INSERT, "t", null, new Serializable[] {id, value});
    }

    private static RowChange insert2(long first, Serializable second) {
        return new RowChange(RowChange.Kind.INSERT, "t", null, new Serializable[] {first, second, "row"});
    }

    private static RowChange insert2(long first, long second) {
        return insert2(first, (Serializable) second);
    }

    private static RowChange delete(long id, String value) {
        return new RowChange(RowChange.Kind.DELETE, "t", new Serializable[] {id, value}, null);
    }

    private static RowChange update(long id, String value, long newId, String newValue) {
        return new RowChange(RowChange.Kind.UPDATE, "t", new Serializable[] {id, value}, new Serializable[] {newId, newValue});
    }
}
