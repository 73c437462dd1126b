package dev.apollo.store.postgres;

import static dev.apollo.testkit.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.ApolloException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresLocationTest {
    @Test
    void aFullUrlIsReadPartByPart() {
        PostgresLocation location = PostgresLocation.parse("postgresql://db.internal:6543/apollo_prod?user=apollo&sslmode=require");

        assertThat(location).isEqualTo(new PostgresLocation("db.internal", 6543, "apollo_prod", "apollo", Map.of("sslmode", "require")));
        assertThat(location.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/apollo_prod");
        assertThat(location.url()).isEqualTo("postgresql://db.internal:6543/apollo_prod?user=apollo&sslmode=require");
    }

    @Test
    void thePortDefaultsToPostgresqlsOwn() {
        assertThat(PostgresLocation.parse("postgresql://127.0.0.1/apollo?user=u").port()).isEqualTo(5432);
    }

    @Test
    void aPasswordIsRefusedWhereverItIsPut() {
        assertRefused(() -> PostgresLocation.parse("postgresql://u:secret@db/apollo?user=u"), ApolloException.Invalid.class,
                "APOLLO_STORE_PASSWORD", "never on the command line");
        assertRefused(() -> PostgresLocation.parse("postgresql://db/apollo?user=u&password=secret"), ApolloException.Invalid.class,
                "APOLLO_STORE_PASSWORD", "--store-password-file");
    }

    @Test
    void whatIsMissingOrWrongIsNamed() {
        assertRefused(() -> PostgresLocation.parse("postgresql://db/apollo"), ApolloException.Invalid.class, "no user", "?user=USER");
        assertRefused(() -> PostgresLocation.parse("postgresql://db:5432/?user=u"), ApolloException.Invalid.class, "no database name");
        assertRefused(() -> PostgresLocation.parse("postgresql:///apollo?user=u"), ApolloException.Invalid.class, "no host");
        assertRefused(() -> PostgresLocation.parse("postgresql://db:99999/apollo?user=u"), ApolloException.Invalid.class, "99999");
        assertRefused(() -> PostgresLocation.parse("mysql://db/apollo?user=u"), ApolloException.Invalid.class, "postgresql://");
        assertRefused(() -> PostgresLocation.parse("postgresql://db/apollo?user=u&pool=9"), ApolloException.Invalid.class,
                "unknown parameter 'pool'");
        assertRefused(() -> PostgresLocation.parse("postgresql://db/a b?user=u"), ApolloException.Invalid.class, "not a URL");
        assertRefused(() -> PostgresLocation.parse("postgresql://db/apollo;drop?user=u"), ApolloException.Invalid.class,
                "database name 'apollo;drop'");
    }
}
