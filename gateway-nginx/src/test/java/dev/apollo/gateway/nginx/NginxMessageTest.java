package dev.apollo.gateway.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NginxMessageTest {
    @Test
    void nginxsComplaintLosesItsTimePidAndFilePosition() {
        assertThat(Nginx.plain("2026/12/02 05:04:30 [emerg] 30116#30116: host not found in upstream \"x.invalid:80\" in "
                + "/tmp/a/nginx.conf.next:79; nginx: [emerg] unknown directive \"bogus\" in /tmp/a/nginx.conf.next:3"))
                .isEqualTo("host not found in upstream \"x.invalid:80\"; unknown directive \"bogus\"");
    }
}
