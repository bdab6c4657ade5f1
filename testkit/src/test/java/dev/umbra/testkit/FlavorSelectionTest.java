package dev.umbra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlavorSelectionTest {

    @Test
    void allFlavorsByDefault() {
        assertThat(Flavor.parseSelection("all")).containsExactly(Flavor.MARIADB_11_4, Flavor.MYSQL_8_0, Flavor.MYSQL_5_7);
        assertThat(Flavor.parseSelection("")).hasSize(3);
    }

    @Test
    void aCommaListSelectsThoseFlavorsInThatOrder() {
        assertThat(Flavor.parseSelection("mysql57, MariaDB11")).containsExactly(Flavor.MYSQL_5_7, Flavor.MARIADB_11_4);
    }

    @Test
    void anUnknownFlavorIsAnErrorThatListsTheValidOnes() {
        assertThatThrownBy(() -> Flavor.parseSelection("mysql8,postgres"))
                .hasMessageContaining("Unknown database flavor 'postgres'")
                .hasMessageContaining("mariadb11, mysql8, mysql57");
    }
}
