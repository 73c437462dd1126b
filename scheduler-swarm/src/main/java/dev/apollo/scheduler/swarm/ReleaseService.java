package dev.apollo.scheduler.swarm;

import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.ContainerSpecSecret;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import dev.apollo.core.ApolloException;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ReleaseSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One release as one Swarm service: what the engine is told. Labels say whose it is (namespace,
 * service, environment, release) so the next control plane adopts it; replicas are the instance
 * count; the restart policy is {@code none} because Apollo owns replacement and its back-off
 * (Swarm restarting a task on its own would fight the platform's count and hide crash loops);
 * tasks use the host's network, each on its slot's port ({@link PortTable}); memory is limited by
 * the engine; output goes to json-file logs capped like the local scheduler's.
 */
final class ReleaseService {
    static final String NAMESPACE = "dev.apollo.namespace";
    static final String SERVICE = "dev.apollo.service";
    static final String ENVIRONMENT = "dev.apollo.environment";
    static final String RELEASE = "dev.apollo.release";
    static final String VERSION = "dev.apollo.version";
    static final String ID_PREFIX = "dev.apollo.instance-prefix";
    /** dev.apollo.stop.TASK = the stop deadline (epoch ms): the platform asked that task to stop. */
    static final String STOP = "dev.apollo.stop.";
    /** The platform retired the release: the service goes once its tasks have exited. */
    static final String RETIRED = "dev.apollo.retired";
    /** What the JVM may use beyond its heap (metaspace, code cache, threads), within the container's limit. */
    static final long JVM_OVERHEAD_MB = 192;
    private static final long MB = 1024L * 1024;
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ReleaseService() {}

    static String name(String namespace, ReleaseSpec release) {
        String name = namespace + "-" + release.service().value() + "-r" + release.id().value();
        return name.length() <= 63 ? name : namespace + "-r" + release.id().value();
    }

    static Map<String, String> identity(String namespace, ReleaseSpec release) {
        return Map.of(NAMESPACE, namespace, SERVICE, release.service().value(), ENVIRONMENT,
                release.environment().value(), RELEASE, Long.toString(release.id().value()), VERSION,
                release.version().value(), ID_PREFIX, PerTask.instanceIdPrefix(release.service().value()));
    }

    /**
     * The spec of a new service.
     *
     * @param image the image the tasks run (a jar's is made by {@link JarImage})
     * @param labels the identity and the port table
     * @param secrets the Swarm secret per secret name of the release
     * @param hostNetwork the id of the engine's {@code host} network
     * @param constraints placement constraints ({@link Nodes#constraints})
     */
    static ServiceSpec spec(String namespace, ReleaseSpec release, String image, int replicas, Map<String, String> labels,
            Map<String, SwarmSecrets.Ref> secrets, String hostNetwork, List<String> constraints) {
        String idPrefix = PerTask.instanceIdPrefix(release.service().value());
        ContainerSpec container = new ContainerSpec()
                .withImage(image)
                .withEnv(environment(release, idPrefix))
                .withLabels(identity(namespace, release))
                .withSecrets(secretFiles(secrets));
        long memoryMb = release.memoryMb();
        if (release.kind() == ArtifactKind.JAR) {
            container = container.withCommand(LaunchCommand.of(release));
            memoryMb += JVM_OVERHEAD_MB;
        } else {
            container = container.withArgs(imageArguments(release));
        }
        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.NONE))
                .withResources(new ResourceRequirements().withLimits(new ResourceSpecs().withMemoryBytes(memoryMb * MB)))
                .withNetworks(List.of(new NetworkAttachmentConfig().withTarget(hostNetwork)))
                .withPlacement(new ServicePlacement().withConstraints(constraints))
                .withLogDriver(new Driver().withName("json-file").withOptions(Map.of("max-size", "10m", "max-file", "3")));
        return new ServiceSpec()
                .withName(name(namespace, release))
                .withLabels(labels)
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas)))
                .withTaskTemplate(task);
    }

    /**
     * The variables every task gets, as Swarm templates (per-instance values looked up per task).
     * Secrets are not among them: they are Swarm secrets, read into the environment at start.
     */
    static List<String> environment(ReleaseSpec release, String idPrefix) {
        Map<String, String> values = new TreeMap<>();
        release.variables().forEach((name, value) -> values.put(name, PerTask.swarmTemplate(PerTask.pieces(value, release),
                idPrefix)));
        values.put("PORT", PerTask.PORT_TEMPLATE);
        values.put("HOST", PerTask.HOST_TEMPLATE);
        values.put("APOLLO_INSTANCE_ID", PerTask.idTemplate(idPrefix));
        List<String> environment = new ArrayList<>();
        values.forEach((name, value) -> environment.add(name + "=" + value));
        return environment;
    }

    private static List<ContainerSpecSecret> secretFiles(Map<String, SwarmSecrets.Ref> secrets) {
        List<ContainerSpecSecret> files = new ArrayList<>();
        new TreeMap<>(secrets).forEach((name, ref) -> {
            if (!VARIABLE.matcher(name).matches()) {
                throw new ApolloException.Invalid("secret name '" + name + "': expected a letter or _ followed by"
                        + " letters, digits or _.");
            }
            files.add(new ContainerSpecSecret().withSecretId(ref.id()).withSecretName(ref.name())
                    .withFile(new ContainerSpecFile().withName(name).withUid("0").withGid("0").withMode(0400L)));
        });
        return files;
    }

    /** An image's arguments are the same for every task: Swarm cannot expand them per task. */
    private static List<String> imageArguments(ReleaseSpec release) {
        if (!release.jvmOptions().isEmpty()) {
            throw new ApolloException.Invalid("JVM options " + release.jvmOptions() + " are for jars; an image starts as"
                    + " its own entry point says (give it JAVA_TOOL_OPTIONS as a variable instead).");
        }
        List<String> arguments = new ArrayList<>();
        for (String argument : release.arguments()) {
            List<PerTask.Piece> pieces = PerTask.pieces(argument, release);
            if (PerTask.perInstance(pieces)) {
                throw new ApolloException.Invalid("argument '" + argument + "' differs per instance, which Swarm cannot"
                        + " do for an image's arguments; read the PORT or APOLLO_INSTANCE_ID variable in the image"
                        + " instead.");
            }
            arguments.add(PerTask.literal(pieces));
        }
        return arguments;
    }

    /** Labels with {@code changes} applied; a null value removes the label. */
    static Map<String, String> with(Map<String, String> labels, Map<String, String> changes) {
        Map<String, String> out = new HashMap<>(labels);
        changes.forEach((key, value) -> {
            if (value == null) {
                out.remove(key);
            } else {
                out.put(key, value);
            }
        });
        return out;
    }
}
