package dev.apollo.cli.command;

import dev.apollo.api.Views.LogLines;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.client.ApolloClient;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Show what a service's instances printed, or follow it with -f.")
public final class LogsCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "SERVICE")
    private String service;

    @Mixin
    private EnvironmentOption environment;

    @Option(names = "--instance", paramLabel = "ID", description = "Only this instance.")
    private String instance;

    @Option(names = {"-n", "--lines"}, paramLabel = "LINES", defaultValue = "50", description = "Lines per instance (default: ${DEFAULT-VALUE}).")
    private int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until Ctrl-C.")
    private boolean follow;

    @Override
    public Integer call() {
        Checks.atLeast(spec, "lines", lines, 1);
        PrintStream out = global.out();
        try (ApolloClient client = global.client()) {
            if (follow) {
                client.followLogs(environment.name(), service, Optional.ofNullable(instance), line -> {
                    out.println(line);
                    out.flush();
                });
                return ExitCodes.OK;
            }
            List<LogLines> logs = client.logs(environment.name(), service, Optional.ofNullable(instance), lines);
            if (global.json()) {
                global.printJson(logs);
            } else if (logs.isEmpty()) {
                out.println(service + " has no instances with output in " + environment.name() + ".");
            } else {
                boolean prefix = logs.size() > 1;
                for (LogLines log : logs) {
                    log.lines().forEach(line -> out.println(prefix ? "[" + log.instance() + "] " + line : line));
                }
            }
        }
        return ExitCodes.OK;
    }
}
