package dev.apollo.cli.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A systemd unit that runs a data dir's control plane in the foreground, as its main process.
 *
 * <p>{@code KillMode=process}: stopping or restarting the unit sends SIGTERM to the control plane
 * alone, which stops itself only (what {@code kill} or Ctrl-C of {@code apollo up} do), so the
 * instances and the gateway, which systemd counts in the unit's cgroup, keep serving and the next
 * start adopts them. Without it systemd would kill every process of the cgroup. The other way,
 * instances in transient scopes of their own, needs the local scheduler to ask systemd over D-Bus
 * for every start; docs/ARCHITECTURE.md weighs the two.
 *
 * @param command the control plane's command line (java ... ServerMain --home DIR)
 * @param home the data dir
 * @param user a user unit ({@code systemctl --user}) rather than a system one
 * @param account the account a system unit runs as (a user unit runs as its manager's user)
 */
public record ServiceUnit(List<String> command, Path home, boolean user, String account) {
    /** Words systemd takes as they are; anything else is quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./$-]+");

    public ServiceUnit {
        command = List.copyOf(command);
    }

    /** The unit's file name: where it goes, and what systemctl calls it. */
    public static final String NAME = "apollo.service";

    public String render() {
        String self = user ? "apollo service-unit --user" : "apollo service-unit";
        String systemctl = user ? "systemctl --user" : "systemctl";
        String path = user ? "~/.config/systemd/user/" + NAME : "/etc/systemd/system/" + NAME;
        String journal = user ? "journalctl --user -u apollo" : "journalctl -u apollo";
        StringBuilder unit = new StringBuilder();
        unit.append("# Apollo's control plane for the data dir ").append(home).append(", as a systemd service.\n")
                .append("# Install:  ").append(self).append(" > ").append(path).append("\n")
                .append("#           ").append(systemctl).append(" daemon-reload && ").append(systemctl)
                .append(" enable --now apollo\n");
        if (user) {
            unit.append("#           loginctl enable-linger $USER   # to run while nobody is logged in\n");
        }
        unit.append("# Settings: ").append(home.resolve("apollo.conf"))
                .append(" (e.g. gateway = nginx, web = 0.0.0.0:80, log-max-size = 50MiB), then ")
                .append(systemctl).append(" restart apollo\n")
                .append("# Logs:     ").append(journal).append(" (the control plane); ")
                .append(home.resolve("gateway.log")).append(" or ").append(home.resolve("nginx/logs/error.log"))
                .append("; apollo logs SERVICE\n")
                .append("# Stopping or restarting the unit stops the control plane only (KillMode=process): instances\n")
                .append("# and the gateway keep serving, and the next start adopts them. apollo down stops them all.\n")
                .append("[Unit]\n")
                .append("Description=Apollo control plane (data dir ").append(home).append(")\n");
        if (!user) {
            unit.append("Wants=network-online.target\n")
                    .append("After=network-online.target\n");
        }
        unit.append("\n[Service]\n")
                .append("Type=simple\n");
        if (!user) {
            unit.append("User=").append(account).append("\n");
        }
        unit.append("ExecStart=").append(execLine(command)).append("\n")
                .append("KillMode=process\n")
                .append("# A JVM ends with 143 on SIGTERM: a stop asked for, not a failure.\n")
                .append("SuccessExitStatus=143\n")
                .append("Restart=on-failure\n")
                .append("RestartSec=2s\n")
                .append("# 2: the control plane refused a flag or an apollo.conf line; restarting would not help.\n")
                .append("RestartPreventExitStatus=2\n")
                .append("TimeoutStopSec=60s\n")
                .append("\n[Install]\n")
                .append("WantedBy=").append(user ? "default.target" : "multi-user.target").append("\n");
        return unit.toString();
    }

    /** A unit's ExecStart command as systemd runs it: for a test that does what systemd would. */
    public static Optional<List<String>> execStart(String unit) {
        return unit.lines().filter(line -> line.startsWith("ExecStart=")).findFirst()
                .map(line -> words(line.substring("ExecStart=".length())));
    }

    /** A command line as systemd reads ExecStart: words, double-quoted where needed, {@code %} and {@code $} doubled. */
    static String execLine(List<String> command) {
        return command.stream().map(ServiceUnit::word).collect(Collectors.joining(" "));
    }

    private static String word(String text) {
        String escaped = text.replace("%", "%%").replace("$", "$$");
        if (PLAIN.matcher(escaped).matches()) {
            return escaped;
        }
        return '"' + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** The reverse of {@link #execLine}. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        return words.stream().map(w -> w.replace("%%", "%").replace("$$", "$")).toList();
    }
}
