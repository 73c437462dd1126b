package dev.apollo.cli.command;

import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.local.LocalControlPlane;
import dev.apollo.cli.local.ServiceUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "service-unit", mixinStandardHelpOptions = true,
        description = {"Print a systemd unit that runs the control plane of the data dir, restarts it when it fails,"
                + " and whose stop or restart leaves instances and the gateway running for the next start to adopt.",
            "Install: apollo service-unit > /etc/systemd/system/apollo.service && systemctl daemon-reload"
                + " && systemctl enable --now apollo"})
public final class ServiceUnitCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Option(names = "--user", description = "A user unit (systemctl --user; ~/.config/systemd/user/apollo.service)"
            + " rather than a system one that runs as this user.")
    private boolean user;

    @Override
    public Integer call() {
        LocalControlPlane plane = LocalControlPlane.of(global.home().toAbsolutePath(), global.env());
        global.out().print(new ServiceUnit(plane.serviceCommand(), plane.home(), user, System.getProperty("user.name")).render());
        return ExitCodes.OK;
    }
}
