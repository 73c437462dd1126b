package dev.apollo.cli.command;

import dev.apollo.cli.GlobalOptions;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that asks the control plane: it checks what needs no server, opens a client, does its
 * work with it and closes it; it prints the answer as JSON with {@code -o json}, else as sentences
 * and tables for people.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        beforeConnecting();
        try (ApolloClient client = global.client()) {
            return call(client);
        }
    }

    /**
     * What needs no server (argument checks, reading the input), done first: a usage error never
     * waits on the network, and is the one reported even when the server address is wrong too.
     */
    void beforeConnecting() {}

    /** The command's work; returns its exit code (see ExitCodes). */
    abstract int call(ApolloClient client);

    /** The answer as JSON with -o json, else the sentence. */
    final void print(Object answer, String sentence) {
        if (global.json()) {
            global.printJson(answer);
        } else {
            global.out().println(sentence);
        }
    }

    /** A list as JSON with -o json; else the sentence when it is empty, else what {@code table} prints. */
    final void print(List<?> answers, String whenEmpty, Runnable table) {
        if (global.json()) {
            global.printJson(answers);
        } else if (answers.isEmpty()) {
            global.out().println(whenEmpty);
        } else {
            table.run();
        }
    }

    /** A sentence for people only: with -o json there is nothing to say (a removal answers nothing). */
    final void say(String sentence) {
        if (!global.json()) {
            global.out().println(sentence);
        }
    }
}
