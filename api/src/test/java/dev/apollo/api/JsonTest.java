package dev.apollo.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.apollo.api.Views.DeployRequest;
import dev.apollo.api.Views.EnvironmentRequest;
import dev.apollo.api.Views.ScaleRequest;
import org.junit.jupiter.api.Test;

/** The strict reader the server reads requests with: types as written, no duplicates, bounded. */
class JsonTest {
    @Test
    void nestingPastTheCapIsRefusedBeforeItCostsAnything() throws Exception {
        String deep = "[".repeat(Json.MAX_NESTING + 1) + "]".repeat(Json.MAX_NESTING + 1);
        assertThatThrownBy(() -> Json.strict().readTree(deep)).isInstanceOf(StreamConstraintsException.class)
                .hasMessageContaining("nesting depth");
        assertThat(Json.strict().readTree("[".repeat(Json.MAX_NESTING) + "]".repeat(Json.MAX_NESTING))).isNotNull();
    }

    @Test
    void duplicateKeysAreRefusedInRecordsAndTrees() {
        assertThatThrownBy(() -> Json.strict().readValue("{\"name\":\"a\",\"name\":\"b\"}", EnvironmentRequest.class))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("Duplicate field 'name'");
        assertThatThrownBy(() -> Json.strict().readTree("{\"a\":1,\"a\":1}")).hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void scalarsAreNeverCoerced() {
        for (String body : new String[] {"{\"instances\":\"3\"}", "{\"instances\":3.9}", "{\"instances\":true}",
                "{\"instances\":\"\"}"}) {
            assertThatThrownBy(() -> Json.strict().readValue(body, ScaleRequest.class)).as(body)
                    .isInstanceOf(MismatchedInputException.class);
        }
        for (String body : new String[] {"{\"name\":1}", "{\"name\":true}", "{\"name\":1.5}"}) {
            assertThatThrownBy(() -> Json.strict().readValue(body, EnvironmentRequest.class)).as(body)
                    .isInstanceOf(MismatchedInputException.class);
        }
        assertThatThrownBy(() -> Json.strict().readValue("{\"artifact\":\"a:1\",\"args\":\"x\"}", DeployRequest.class))
                .isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void rightTypesStillRead() throws Exception {
        assertThat(Json.strict().readValue("{\"instances\":3}", ScaleRequest.class).instances()).isEqualTo(3);
        DeployRequest deploy = Json.strict().readValue("{\"artifact\":\"web-service:1.0.0\",\"testbed\":true,\"paths\":[],"
                + "\"env\":{\"A\":\"\"},\"health\":{\"readiness\":{\"type\":\"command\",\"command\":[\"/bin/true\"]}}}",
                DeployRequest.class);
        assertThat(deploy.testbed()).isTrue();
        assertThat(deploy.env()).containsEntry("A", "");
        assertThat(deploy.health().readiness().command()).containsExactly("/bin/true");
    }
}
