package dev.apollo.cli.render;

import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ReleaseView;
import dev.apollo.api.Views.ServiceStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** How `apollo status` shows services: a one-line-per-service table, and one service in detail. */
public final class ServiceViews {
    private ServiceViews() {}

    public static Table servicesTable(List<ServiceStatus> services, Instant now) {
        Table table = new Table("env", "service", "version", "release", "healthy/target", "state", "restarts");
        services.stream()
                .sorted(Comparator.comparing(ServiceStatus::environment).thenComparing(ServiceStatus::service))
                .forEach(s -> {
                    ReleaseView shown = s.live() != null ? s.live() : s.deploying();
                    table.row(s.environment(), s.service(),
                            shown == null ? null : shown.version(),
                            shown == null ? null : shown.id(),
                            shown == null ? null : healthy(s, shown) + "/" + shown.instances(),
                            state(s, now),
                            s.restarts());
                });
        return table;
    }

    /** "live", "deploying r9 (1/3)", "backing off", "down". */
    public static String state(ServiceStatus s, Instant now) {
        String state;
        if (s.deploying() != null) {
            state = "deploying " + s.deploying().id() + " (" + healthy(s, s.deploying()) + "/" + s.deploying().instances() + ")";
        } else if (s.live() != null) {
            state = s.testbed() == null ? "live" : "live, testbed " + s.testbed().version();
        } else {
            state = "down";
        }
        if (s.backoffUntil() != null && s.backoffUntil().isAfter(now)) {
            state += ", backing off";
        }
        return state;
    }

    public static long healthy(ServiceStatus s, ReleaseView release) {
        return instancesOf(s, release).stream().filter(i -> "healthy".equalsIgnoreCase(i.health())).count();
    }

    public static List<InstanceView> instancesOf(ServiceStatus s, ReleaseView release) {
        List<InstanceView> instances = s.instances() == null ? List.of() : s.instances();
        return instances.stream().filter(i -> release.id().equals(i.release())).toList();
    }

    public static void printDetail(ServiceStatus s, Instant now, PrintStream out) {
        out.println(s.service() + " in " + s.environment() + ": " + state(s, now));
        if (s.live() != null) {
            out.println("  live:       " + release(s, s.live(), now));
        }
        if (s.deploying() != null) {
            out.println("  deploying:  " + release(s, s.deploying(), now)
                    + (s.deploying().deadline() == null ? "" : ", deadline " + Times.relative(s.deploying().deadline(), now)));
        }
        if (s.previous() != null) {
            out.println("  previous:   " + release(s, s.previous(), now) + ", warm for: apollo rollback " + s.service());
        }
        if (s.testbed() != null) {
            out.println("  testbed:    " + release(s, s.testbed(), now) + ", opt in with the header X-Apollo-Testbed: "
                    + s.service());
        }
        out.println("  restarts:   " + s.restarts()
                + (s.lastExit() == null ? "" : ", last exit: " + s.lastExit())
                + (s.backoffUntil() == null || !s.backoffUntil().isAfter(now) ? ""
                        : ", backing off until " + Times.shortIso(s.backoffUntil()) + " (" + Times.relative(s.backoffUntil(), now) + ")"));
        List<InstanceView> instances = s.instances() == null ? List.of() : s.instances();
        if (instances.isEmpty()) {
            out.println("  no instances");
            return;
        }
        out.println();
        instanceTable(instances, now).print(out);
    }

    static Table instanceTable(List<InstanceView> instances, Instant now) {
        Table table = new Table("id", "release", "version", "address", "health", "uptime", "exit");
        instances.stream()
                .sorted(Comparator.comparing(InstanceView::release, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(InstanceView::id))
                .forEach(i -> table.row(i.id(), i.release(), i.version(), i.address(),
                        i.health() == null ? null : health(i.health()),
                        i.startedAt() == null || i.exit() != null ? null : Times.duration(Duration.between(i.startedAt(), now)),
                        i.exit()));
        return table;
    }

    /** "healthy", "not ready" (the API's not_ready: alive, kept out of traffic by its readiness probe). */
    static String health(String health) {
        return health.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String release(ServiceStatus s, ReleaseView r, Instant now) {
        long notReady = instancesOf(s, r).stream().filter(i -> "not_ready".equalsIgnoreCase(i.health())).count();
        return r.id() + "  " + r.artifact() + "  " + healthy(s, r) + "/" + r.instances() + " healthy"
                + (notReady == 0 ? "" : " (" + notReady + " not ready: no traffic)")
                + ", since " + Times.relative(r.createdAt(), now);
    }
}
