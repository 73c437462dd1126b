package dev.apollo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.apollo.api.Json;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.Connection;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command takes (--home, --server, -o), mixed into the root and every leaf so
 * that they work before or after the command name. Every instance stores into the root's
 * instance, which is the single place they are read from.
 */
public final class GlobalOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    private Path home;
    private String server;
    private Output output;

    @Option(names = "--home", paramLabel = "DIR", description = "Data dir (default: $APOLLO_HOME or ~/.apollo).")
    void home(Path value) {
        if (value != null) {
            root().home = value;
        }
    }

    @Option(names = "--server", paramLabel = "URL[,URL...]", description = "Control plane URL, or several separated by commas"
            + " (the control planes of one store: the first that can be reached is used) (default: $APOLLO_SERVER, else the"
            + " data dir's, else http://127.0.0.1:7700).")
    void server(String value) {
        if (value != null) {
            root().server = value;
        }
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table or json (default: table).")
    void output(Output value) {
        if (value != null) {
            root().output = value;
        }
    }

    private GlobalOptions root() {
        return ((ApolloCommand) mixee.root().userObject()).globals();
    }

    public Context context() {
        return ((ApolloCommand) mixee.root().userObject()).context();
    }

    public PrintStream out() {
        return context().out();
    }

    public PrintStream err() {
        return context().err();
    }

    public Map<String, String> env() {
        return context().env();
    }

    /** What relative times ("12s ago") are measured from: the context's clock. */
    public Instant now() {
        return context().now();
    }

    public Path home() {
        Path flag = root().home;
        if (flag != null) {
            return flag.toAbsolutePath();
        }
        String fromEnv = env().get("APOLLO_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".apollo");
    }

    /** The --server flag as typed, if given. */
    public Optional<String> serverFlag() {
        return Optional.ofNullable(root().server);
    }

    public boolean json() {
        return root().output == Output.JSON;
    }

    public Connection connection() {
        return Connection.discover(home(), env(), serverFlag());
    }

    public ApolloClient client() {
        return ApolloClient.connect(connection());
    }

    /** Prints an API value as indented JSON, for -o json. */
    public void printJson(Object value) {
        try {
            out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
