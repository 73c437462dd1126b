package dev.apollo.cli.command;

import dev.apollo.api.Views.LogLines;
import dev.apollo.cli.ExitCodes;
import dev.apollo.client.ApolloClient;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Show what a service's instances printed, or follow it with -f.")
public final class LogsCommand extends ServiceCommand {
    @Option(names = "--instance", paramLabel = "ID", description = "Only this instance.")
    private String instance;

    @Option(names = {"-n", "--lines"}, paramLabel = "LINES", defaultValue = "50", description = "Lines per instance (default: ${DEFAULT-VALUE}).")
    private int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until Ctrl-C.")
    private boolean follow;

    @Override
    void beforeConnecting() {
        Checks.atLeast(spec, "lines", lines, 1);
    }

    @Override
    int call(ApolloClient client) {
        PrintStream out = global.out();
        if (follow) {
            client.followLogs(environment.name(), service, Optional.ofNullable(instance), line -> {
                out.println(line);
                out.flush();
            });
            return ExitCodes.OK;
        }
        List<LogLines> logs = client.logs(environment.name(), service, Optional.ofNullable(instance), lines);
        print(logs, service + " has no instances with output in " + environment.name() + ".", () -> {
            boolean prefix = logs.size() > 1;
            for (LogLines log : logs) {
                log.lines().forEach(line -> out.println(prefix ? "[" + log.instance() + "] " + line : line));
            }
        });
        return ExitCodes.OK;
    }
}
