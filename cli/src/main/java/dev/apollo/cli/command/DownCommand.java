package dev.apollo.cli.command;

import dev.apollo.cli.CliException;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.local.LocalControlPlane;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.Connection;
import dev.apollo.client.ServerFile;
import dev.apollo.client.ServerUnavailableException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the control plane of the data dir, and with it every instance it runs.")
public final class DownCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Override
    public Integer call() {
        Path home = global.home();
        Optional<ServerFile> file = ServerFile.read(home).filter(ServerFile::processAlive);
        if (file.isEmpty()) {
            return global.serverFlag().isPresent() ? stopRemote() : nothingRunning(home);
        }
        ServerFile server = file.get();
        try (ApolloClient client = ApolloClient.connect(Connection.discover(home, global.env(), Optional.of(server.url().toString())))) {
            client.shutdown();
        } catch (ServerUnavailableException e) {
            throw CliException.failed("The control plane process " + server.pid() + " is alive but does not answer at "
                    + server.url() + ". See " + home.resolve("server.log") + ", or stop it with: kill " + server.pid());
        }
        global.out().println("Stopping the Apollo control plane at " + server.url() + " (pid " + server.pid()
                + ") and its instances...");
        if (!LocalControlPlane.awaitExit(server.pid(), LocalControlPlane.STOP_TIMEOUT)) {
            throw CliException.failed("The control plane (pid " + server.pid() + ") is still running after "
                    + LocalControlPlane.STOP_TIMEOUT.toSeconds() + " s; it may still be stopping instances. See "
                    + home.resolve("server.log") + ", or stop it with: kill " + server.pid());
        }
        global.out().println("Stopped the Apollo control plane (pid " + server.pid() + ", data dir " + home + ").");
        return ExitCodes.OK;
    }

    private int nothingRunning(Path home) {
        global.out().println("No Apollo control plane is running for data dir " + home + ".");
        return ExitCodes.OK;
    }

    /** A control plane named by --server runs elsewhere: ask it to stop, there is no pid to watch. */
    private int stopRemote() {
        try (ApolloClient client = global.client()) {
            client.shutdown();
            global.out().println("Asked the control plane at " + client.connection().url() + " to stop.");
        } catch (ServerUnavailableException e) {
            global.out().println("No Apollo control plane is running at " + e.url() + ".");
        }
        return ExitCodes.OK;
    }
}
