package dev.apollo.cli.command;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only groups its subcommands ({@code apollo route add|list|remove}): typed alone, it
 * is a usage error that names them, read from the subcommands themselves so the list cannot go stale.
 */
abstract class GroupCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public final void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: " + either(names()) + ".");
    }

    /** Each subcommand once, by its name: the map also holds every alias ({@code ls}). */
    private List<String> names() {
        Set<CommandLine> subcommands = new LinkedHashSet<>(spec.subcommands().values());
        return subcommands.stream().map(CommandLine::getCommandName).toList();
    }

    /** {@code a, b or c}. */
    private static String either(List<String> names) {
        int last = names.size() - 1;
        return last == 0 ? names.get(0) : String.join(", ", names.subList(0, last)) + " or " + names.get(last);
    }
}
