package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.api.Views.ProbeRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeOptionTest {

    @Test
    void httpTcpAndCommands() {
        assertThat(ProbeOption.parse("http:/ready")).isEqualTo(ProbeRequest.http("/ready"));
        assertThat(ProbeOption.parse("http:/actuator/health?deep=true")).isEqualTo(ProbeRequest.http("/actuator/health?deep=true"));
        assertThat(ProbeOption.parse("tcp")).isEqualTo(ProbeRequest.tcp());
        assertThat(ProbeOption.parse("cmd:/usr/bin/check --x")).isEqualTo(ProbeRequest.command(List.of("/usr/bin/check", "--x")));
    }

    @Test
    void commandWordsAreSplitAtSpacesWithQuotesAndBackslashesKeepingThemTogether() {
        assertThat(ProbeOption.words("  check   --x  ")).containsExactly("check", "--x");
        assertThat(ProbeOption.words("sh -c 'curl -f http://$APOLLO_INSTANCE_HOST:$APOLLO_INSTANCE_PORT/ready'"))
                .containsExactly("sh", "-c", "curl -f http://$APOLLO_INSTANCE_HOST:$APOLLO_INSTANCE_PORT/ready");
        assertThat(ProbeOption.words("check --name \"a b\" it\\'s ''")).containsExactly("check", "--name", "a b", "it's", "");
        assertThat(ProbeOption.words("a'b'\"c d\"")).containsExactly("abc d");
        assertThat(ProbeOption.words("'don\\t'")).containsExactly("don\\t");
    }

    @Test
    void anythingElseIsRefusedSayingWhatIsExpected() {
        assertThatThrownBy(() -> ProbeOption.parse("/ready")).hasMessage("expected http:/PATH, tcp or cmd:'PROGRAM ARG...'");
        assertThatThrownBy(() -> ProbeOption.parse("http:ready")).hasMessageContaining("a path starting with /");
        assertThatThrownBy(() -> ProbeOption.parse("TCP")).hasMessageContaining("expected http:/PATH");
        assertThatThrownBy(() -> ProbeOption.parse("cmd:  ")).hasMessageContaining("a program after cmd:");
        assertThatThrownBy(() -> ProbeOption.parse("cmd:check 'x")).hasMessageContaining("the quote ' is never closed");
        assertThatThrownBy(() -> ProbeOption.parse("cmd:check x\\")).hasMessageContaining("backslash");
    }
}
