package dev.apollo.cli.command;

import dev.apollo.api.Views.DeployRequest;
import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServerInfo;
import dev.apollo.api.Views.ServiceStatus;
import dev.apollo.cli.CliException;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.deploy.DeployFlow;
import dev.apollo.cli.local.LocalControlPlane;
import dev.apollo.cli.render.ServiceViews;
import dev.apollo.client.ApiException;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.Connection;
import dev.apollo.client.Pushed;
import dev.apollo.client.ServerFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The guided tour: start the platform, deploy the two example services, call them. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a control plane if needed, deploy the example web-service and rpc-service, and call them.",
            "With --listen, --web and --rpc the control plane it starts listens there, as with apollo up."})
public final class DemoCommand implements Callable<Integer> {
    private static final String ENV = "production";
    private static final List<String> EXAMPLES = List.of("web-service", "rpc-service");

    @Mixin
    private GlobalOptions global;

    @Mixin
    private ListenOptions listen;

    @Spec
    private CommandSpec spec;

    private PrintStream out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        out = global.out();
        step(1, "Control plane");
        ServerFile server = ensureControlPlane();
        try (ApolloClient client = ApolloClient.connect(Connection.discover(global.home(), global.env(), Optional.of(server.url().toString())))) {
            step(2, "Example artifacts");
            Path dir = extractExamples();
            step(3, "Push them");
            for (String name : EXAMPLES) {
                push(client, name, dir.resolve(name + ".jar"));
            }
            step(4, "Deploy web-service:1.0.0 -n 3 and rpc-service:1.0.0 -n 2");
            DeployFlow deploys = new DeployFlow(client, global.context(), false);
            DeployRequest web = new DeployRequest("web-service:1.0.0", 3, ENV, null, null, null, null, List.of("/"), null, null,
                    null);
            if (deploys.run(web, true) != ExitCodes.OK
                    || deploys.run(DeployRequest.of("rpc-service:1.0.0", 2, ENV), true) != ExitCodes.OK) {
                return ExitCodes.FAILED;
            }
            step(5, "Status");
            ServiceViews.servicesTable(client.services(Optional.of(ENV)), global.now()).print(out);
            step(6, "Call them through the gateways");
            ServerInfo info = client.info();
            if (info.webGateway() == null || info.rpcGateway() == null) {
                out.println("This control plane runs no gateway (apollo up --web none); calling one instance directly.");
                call(address(client, "web-service"), "GET", "/", null);
                call(address(client, "rpc-service"), "POST", "/sayHello", "[\"Apollo\"]");
            } else {
                call(Optional.of(info.webGateway()), "GET", "/", null);
                call(Optional.of(info.webGateway()), "GET", "/hello?name=Apollo", null);
                call(Optional.of(info.rpcGateway()), "POST", "/rpc-service/sayHello", "[\"Apollo\"]");
                out.println("(web traffic picks its environment from the Host, e.g. curl -H 'Host: apollo.localhost' "
                        + info.webGateway() + "/, or from the header X-Apollo-Env)");
            }
        }
        out.println();
        out.println("Next, try:");
        for (String next : List.of("status web-service", "scale web-service -n 5", "logs web-service",
                "history web-service", "env create stage1 --fallback production", "rollback web-service", "down")) {
            out.println("  apollo " + next);
        }
        return ExitCodes.OK;
    }

    private void step(int number, String title) {
        out.println();
        out.println("==> " + number + "/6 " + title);
    }

    private ServerFile ensureControlPlane() {
        LocalControlPlane plane = LocalControlPlane.of(global.home(), global.env()).withServerFlags(listen.gatewayFlags());
        Optional<ServerFile> running = plane.running();
        if (running.isPresent()) {
            out.println("Using the control plane already running at " + running.get().url() + " (pid " + running.get().pid() + ")");
            return running.get();
        }
        ServerFile started = plane.startDetached(listen.api(spec));
        out.println(UpCommand.runningAt(started, plane));
        return started;
    }

    private Path extractExamples() throws IOException {
        Path dir = Files.createTempDirectory("apollo-demo-");
        dir.toFile().deleteOnExit();
        for (String name : EXAMPLES) {
            String resource = "/examples/" + name + ".jar";
            try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw CliException.failed("This build of Apollo has no bundled " + resource
                            + "; run the demo from apollo.jar (./apollo demo builds it).");
                }
                Path jar = dir.resolve(name + ".jar");
                Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
                jar.toFile().deleteOnExit();
            }
        }
        out.println("Extracted web-service.jar and rpc-service.jar to " + dir);
        return dir;
    }

    private void push(ApolloClient client, String name, Path jar) {
        try {
            Pushed pushed = client.pushArtifact(name, "1.0.0", jar);
            out.println((pushed.created() ? "Pushed " : "Already stored: ") + name + ":1.0.0");
        } catch (ApiException e) {
            if (!e.isConflict()) {
                throw e;
            }
            out.println("A different " + name + ":1.0.0 is already stored (" + e.getMessage() + "); using that one.");
        }
    }

    private static Optional<String> address(ApolloClient client, String service) {
        ServiceStatus status = client.service(ENV, service);
        return status.instances().stream()
                .filter(i -> "healthy".equalsIgnoreCase(i.health()) && i.address() != null)
                .map(InstanceView::address)
                .findFirst();
    }

    /** One request, printed with its answer. */
    private void call(Optional<String> address, String method, String path, String body)
            throws IOException, InterruptedException {
        if (address.isEmpty()) {
            out.println("No healthy instance to call right now.");
            return;
        }
        URI uri = URI.create("http://" + address.get() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("X-Apollo-Env", ENV);
        request = body == null ? request.GET() : request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            out.println(method + " " + uri + (body == null ? "" : " " + body));
            out.println("  -> " + response.statusCode() + " " + response.body().strip());
        } catch (IOException e) {
            out.println(method + " " + uri + " failed: " + e.getMessage());
        }
    }
}
