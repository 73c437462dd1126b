package dev.apollo.cli.command;

import dev.apollo.api.Views.DeployRequest;
import dev.apollo.api.Views.HealthCheckRequest;
import dev.apollo.api.Views.ProbeRequest;
import dev.apollo.cli.deploy.DeployFlow;
import dev.apollo.client.ApolloClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "artifact-deploy", aliases = "deploy", mixinStandardHelpOptions = true,
        description = {"Run N healthy instances of NAME:VERSION, blue/green: the new release takes over once all its "
                + "instances are healthy, and the live one stays untouched if they never are.",
            "Exit code 1 when the deploy fails (its reason and the failing instance's last log lines are shown)."},
        footer = {"", "Probes (--readiness, --liveness), sent from the control plane's machine:",
            "  http:/PATH            GET /PATH on the instance; passes on 2xx",
            "  tcp                   a TCP connect to the instance's port",
            "  cmd:'PROGRAM ARG...'  a program (absolute path, or a name on the control",
            "                        plane's PATH) given APOLLO_INSTANCE_HOST and",
            "                        APOLLO_INSTANCE_PORT; passes on exit 0. Words split",
            "                        at spaces; quotes keep a word whole:",
            "                        --liveness cmd:'check --label \"db pool\"'",
            "Readiness decides traffic: an instance gets requests, and counts toward the",
            "deploy, only while it passes; --health-threshold failures in a row take it",
            "out of the route table, without a restart, until it passes again.",
            "Liveness decides restarts: --health-threshold failures in a row and the",
            "instance is replaced. Both default to GET --health-path, sent once."})
public final class DeployCommand extends EnvironmentCommand {
    @Parameters(paramLabel = "NAME:VERSION", description = "A stored artifact, e.g. web-service:1.0.0.")
    private String artifact;

    @Option(names = {"-n", "--instances"}, paramLabel = "N", description = "Instances to run (default: the server's).")
    private Integer instances;

    @Option(names = "--no-wait", description = "Return once the deploy started instead of following it.")
    private boolean noWait;

    @Option(names = "--health-path", paramLabel = "P", description = "GET P is the readiness and the liveness probe, unless"
            + " --readiness or --liveness says otherwise (default: /health/is_alive).")
    private String healthPath;

    @Option(names = "--readiness", paramLabel = "PROBE", description = "What decides traffic: " + ProbeOption.SYNTAX
            + " (default: GET of --health-path).")
    private String readiness;

    @Option(names = "--liveness", paramLabel = "PROBE", description = "What decides restarts: " + ProbeOption.SYNTAX
            + " (default: GET of --health-path).")
    private String liveness;

    @Option(names = "--health-grace", paramLabel = "MS",
            description = "Milliseconds after start during which failed health checks don't count (default: 10000).")
    private Integer healthGraceMs;

    @Option(names = "--health-interval", paramLabel = "MS", description = "Milliseconds between health checks (default: 2000).")
    private Integer healthIntervalMs;

    @Option(names = "--health-timeout", paramLabel = "MS", description = "Milliseconds a health check may take (default: 1000).")
    private Integer healthTimeoutMs;

    @Option(names = "--health-threshold", paramLabel = "N",
            description = "Failed health checks in a row that make an instance unhealthy (default: 3).")
    private Integer healthThreshold;

    @Option(names = "--testbed", description = "Run it as the service's testbed beside the live release: only requests"
            + " that opt in (header X-Apollo-Testbed: NAME, cookie apollo-testbed=NAME, or host testbed.NAME.ENV.<domain>) reach it.")
    private boolean testbed;

    @Option(names = "--path", paramLabel = "/PATH", description = "Route this web path prefix to the service (repeatable).")
    private List<String> paths = new ArrayList<>();

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "A variable for the instances, over the service's stored"
            + " configuration (repeatable); ${PORT}, ${APOLLO_ENV} and the other platform variables are expanded,"
            + " e.g. --env SERVER_PORT='${PORT}'.")
    private List<String> variables = new ArrayList<>();

    @Option(names = "--arg", paramLabel = "ARG", description = "An argument for the program, after the jar (repeatable;"
            + " placeholders as in --env), e.g. --arg '--port=${PORT}'.")
    private List<String> arguments = new ArrayList<>();

    @Option(names = "--jvm-opt", paramLabel = "OPT", description = "An option for the instances' JVM (repeatable),"
            + " e.g. --jvm-opt=-XX:+UseZGC.")
    private List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--memory", paramLabel = "MB", description = "Memory per instance, in MB.")
    private Integer memoryMb;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long the instances have to become healthy.")
    private Integer timeoutSeconds;

    private DeployRequest request;

    @Override
    void beforeConnecting() {
        Checks.artifact(spec, artifact);
        Checks.atLeast(spec, "instances", instances, 0);
        Checks.atLeast(spec, "memory", memoryMb, 1);
        Checks.atLeast(spec, "timeout", timeoutSeconds, 1);
        Checks.atLeast(spec, "health-threshold", healthThreshold, 1);
        Map<String, String> env = KeyValues.parse(spec, "--env", variables);
        HealthCheckRequest health = new HealthCheckRequest(healthPath, healthGraceMs, healthIntervalMs, healthTimeoutMs,
                healthThreshold, probe("--readiness", readiness), probe("--liveness", liveness));
        // Without -e the request names no environment, as it always did: the control plane's default is production too.
        request = new DeployRequest(artifact, instances, environment.given().orElse(null), health, memoryMb,
                timeoutSeconds, testbed ? Boolean.TRUE : null, paths.isEmpty() ? null : paths, env.isEmpty() ? null : env,
                arguments.isEmpty() ? null : arguments, jvmOptions.isEmpty() ? null : jvmOptions);
    }

    @Override
    int call(ApolloClient client) {
        return new DeployFlow(client, global.context(), global.json()).run(request, !noWait);
    }

    private ProbeRequest probe(String option, String text) {
        return text == null ? null : ProbeOption.parse(spec, option, text);
    }
}
