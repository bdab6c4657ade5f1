package dev.umbra.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hosts, schemas and tables are data, never URL text: whatever could end a JDBC URL's authority or
 * path, add a parameter, name a user or a second host, is refused before anything connects.
 */
class AddressAndNameCheckTest {

    /** Values that try to reach the driver's settings through the URL, or that are simply not addresses. */
    static List<String> hostileHosts() {
        return List.of(
                "127.0.0.1:34302/mysql?allowLoadLocalInfile=true&allowUrlInLocalInfile=true#",
                "db1/mysql", "db1?allowLoadLocalInfile=true", "db1#fragment", "db1&autoDeserialize=true",
                "db1;db2", "db1,db2", "user@db1", "db 1", "db1\nx", "db1\r\nx", "db1%2Fmysql", "db1:3306",
                "[::1]:3306", "fe80::1%eth0", "::1/128", "1.2.3.256", "1.2.3", "-db1", "db1-.shop", "db1..shop",
                "a".repeat(64) + ".shop", "a.".repeat(127) + "a", "\u0000db1", "db\u00e9");
    }

    static List<String> hostileNames() {
        return List.of("shop/mysql", "shop?allowLoadLocalInfile=true", "shop#x", "shop&autoDeserialize=true", "shop;drop",
                "shop,other", "user@shop", "sh op", "shop\n", "shop\t", "shop%2F", "shop:3306", "shop=1", "sh`op", "sh'op",
                "sh\"op", "sh\\op", "s".repeat(65), "\u0000", "");
    }

    @ParameterizedTest
    @MethodSource("hostileHosts")
    void aHostileHostIsRefusedNamingTheField(String host) {
        assertThatThrownBy(() -> HostName.check(host, "spec.database.host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.database.host ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new ConnectionSettings(host, 3306, "u", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaAddress(host, 3306)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the replica host ");
    }

    @ParameterizedTest
    @MethodSource("hostileNames")
    void aHostileSchemaOrTableIsRefusedNamingTheField(String name) {
        assertThatThrownBy(() -> Identifier.check(name, "spec.database.schema"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.database.schema ")
                .hasMessageNotContaining("\n");
        ConnectionSettings settings = new ConnectionSettings("db1", 3306, "u", "p");
        assertThatThrownBy(() -> new MigrationPlan(settings, name, "t", "ADD c INT", MigrationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MigrationPlan(settings, "shop", name, "ADD c INT", MigrationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"db1", "db1.shop.svc", "mysql-primary.shop.svc.cluster.local.", "my_db", "10.0.0.5", "127.0.0.1",
            "::1", "fd00::5", "::ffff:10.0.0.5"})
    void ordinaryHostsAreAccepted(String host) {
        assertThat(HostName.check(host, "--host")).isEqualTo(host);
        assertThat(new ConnectionSettings(host, 3306, "u", "p").host()).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "Shop_2024", "my-app", "app$data", "t.old", "\u00e9t\u00e9", "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"})
    void ordinaryNamesAreAccepted(String name) {
        assertThat(Identifier.check(name, "spec.table")).isEqualTo(name);
    }

    @Test
    void anIpv6LiteralIsWrittenInBracketsInAUrlAndAReplicaList() {
        assertThat(HostName.check("[fd00::5]", "--host")).isEqualTo("fd00::5");
        assertThat(HostName.forUrl("fd00::5")).isEqualTo("[fd00::5]");
        assertThat(HostName.forUrl("db1")).isEqualTo("db1");
        assertThat(ReplicaAddress.parseList("[fd00::5]:3307, [fd00::6], db2:3308, db3"))
                .containsExactly(new ReplicaAddress("fd00::5", 3307), new ReplicaAddress("fd00::6", 3306),
                        new ReplicaAddress("db2", 3308), new ReplicaAddress("db3", 3306));
    }

    @Test
    void theErrorShowsAHostileValueOnOneReadableLine() {
        assertThatThrownBy(() -> HostName.check("db1\nSet-Cookie: x", "--host"))
                .hasMessageContaining("\"db1\\u000aSet-Cookie: x\"");
        assertThatThrownBy(() -> HostName.check("x".repeat(300), "--host")).hasMessageContaining("longer than 253");
    }
}
