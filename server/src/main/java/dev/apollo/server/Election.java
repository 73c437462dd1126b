package dev.apollo.server;

import dev.apollo.api.Views.ControlPlaneView;
import dev.apollo.api.Views.LeadershipView;
import dev.apollo.core.ApolloException;
import dev.apollo.core.port.Leadership;
import dev.apollo.server.http.ApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * This control plane's place among those sharing its store: it campaigns every tenth of the lease,
 * starts leading (the controller's loop) when it wins, and steps down when it cannot renew in time.
 * A control plane that stepped down stays up to say so and to name the new leader, but no longer
 * campaigns: its controller's memory of instances belongs to a term that is over, and a fresh start
 * (a restart by its supervisor) is the one clean way back to standing by.
 */
final class Election implements ApiServer.Standing, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Election.class.getName());

    enum Mode {
        SOLO, STANDBY, LEADER, STEPPED_DOWN;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Optional<Leadership> leadership;
    private final String id;
    private final Duration lease;
    private final Runnable lead;
    private final Runnable stepDown;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "apollo-election");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Mode mode;
    private volatile String note = "";
    private volatile Leadership.Term term = new Leadership.Term(0, "", "", Instant.EPOCH);

    private Election(Optional<Leadership> leadership, String id, Duration lease, Runnable lead, Runnable stepDown) {
        this.leadership = leadership;
        this.id = id;
        this.lease = lease;
        this.lead = lead;
        this.stepDown = stepDown;
        this.mode = leadership.isPresent() ? Mode.STANDBY : Mode.SOLO;
    }

    /** A store of its own: this control plane always leads, and {@code lead} runs at {@link #start()}. */
    static Election solo(String id, Runnable lead) {
        return new Election(Optional.empty(), id, Duration.ZERO, lead, () -> {});
    }

    /**
     * How long a term lasts unless renewed, for a configured lease: the lease is what an operator is
     * promised (the longest a standby waits after the leader dies), so the term is shorter by a standby's
     * campaign interval plus slack for a loaded machine (a round late, a write's own time): a leader dead
     * just after renewing is replaced within {@code term + interval = 0.8 lease}.
     */
    static Duration term(Duration lease) {
        return lease.multipliedBy(7).dividedBy(10);
    }

    /** How often every control plane campaigns: a tenth of the lease, so a leader renews seven times per term. */
    static Duration interval(Duration lease) {
        return lease.dividedBy(10);
    }

    /**
     * A shared store: {@code lead} runs once, on the election thread, when this control plane first wins, and
     * {@code stepDown} once when it stops leading (after it stopped acting).
     */
    static Election shared(Leadership leadership, String id, Duration lease, Runnable lead, Runnable stepDown) {
        return new Election(Optional.of(leadership), id, lease, lead, stepDown);
    }

    /** Starts campaigning; a solo control plane leads at once. */
    void start() {
        if (leadership.isEmpty()) {
            lead.run();
            return;
        }
        LOG.info("standing by as " + id + "; campaigning every " + interval(lease).toMillis() + " ms for terms of "
                + term(lease).toMillis() + " ms (lease " + lease.toMillis() + " ms)");
        rounds.scheduleWithFixedDelay(this::round, 0, Math.max(20, interval(lease).toMillis()), TimeUnit.MILLISECONDS);
    }

    private void round() {
        Leadership elected = leadership.orElseThrow();
        try {
            Leadership.Round round = elected.campaign();
            term = round.term();
            switch (round.change()) {
                case WON -> {
                    mode = Mode.LEADER;
                    note = "leading since " + Instant.now() + " (epoch " + round.term().epoch() + ")";
                    LOG.info("this control plane leads now (epoch " + round.term().epoch() + "); starting the controller");
                    lead.run();
                }
                case LOST -> stepDown("its lease was not renewed in time; " + leaderNow(round.term()));
                case NONE -> {
                    if (mode == Mode.LEADER && !elected.leading()) {
                        stepDown("its lease ran out before it was renewed; " + leaderNow(round.term()));
                    }
                }
            }
        } catch (RuntimeException e) {
            // The database did not answer: a leader keeps acting only while its lease lasts by its own clock.
            LOG.warning("could not campaign: " + e.getMessage());
            if (mode == Mode.LEADER && !elected.leading()) {
                stepDown("it could not reach the database to renew its lease (" + e.getMessage() + ")");
            }
        }
    }

    private void stepDown(String why) {
        mode = Mode.STEPPED_DOWN;
        note = "stepped down at " + Instant.now() + ": " + why + ". Restart this control plane to stand by again.";
        LOG.severe("STEPPING DOWN: this control plane no longer leads: " + why
                + ". It launches, stops and writes nothing from now on; restart it to stand by again.");
        rounds.shutdown();
        try {
            stepDown.run();
        } catch (RuntimeException e) {
            LOG.warning("letting go of this term's instances failed: " + e.getMessage());
        }
    }

    private static String leaderNow(Leadership.Term term) {
        return term.holder().isEmpty() || term.epoch() == 0 ? "no control plane leads right now"
                : "the leader is " + term.holder() + " at " + term.address() + " (epoch " + term.epoch() + ")";
    }

    /**
     * Whether this control plane may act right now; checked by the controller before every tick and
     * command, so it reads nothing from the database: the local clock and the last term seen.
     */
    Optional<ApolloException.NotLeader> authority() {
        return switch (mode) {
            case SOLO -> Optional.empty();
            case LEADER -> leadership.orElseThrow().leading() ? Optional.empty() : Optional.of(refusal(term));
            case STANDBY, STEPPED_DOWN -> Optional.of(refusal(term));
        };
    }

    Mode mode() {
        return mode;
    }

    @Override
    public Optional<ApolloException.NotLeader> standingBy() {
        return mode == Mode.SOLO || mode == Mode.LEADER ? Optional.empty() : Optional.of(refusal(freshTerm()));
    }

    /** The term as the store has it now; the last one seen when the store does not answer. */
    private Leadership.Term freshTerm() {
        if (leadership.isPresent()) {
            try {
                term = leadership.get().current();
            } catch (RuntimeException e) {
                // Keep the last term seen: a standby still names its best guess of the leader.
            }
        }
        return term;
    }

    private ApolloException.NotLeader refusal(Leadership.Term current) {
        boolean known = current.epoch() > 0 && !current.holder().equals(id) && current.expiresAt().isAfter(Instant.now());
        String self = mode == Mode.STEPPED_DOWN ? "This control plane stepped down" : "This control plane is a standby";
        return known
                ? new ApolloException.NotLeader(self + "; the leader is " + current.holder() + " at " + current.address()
                        + ": run the command there (--server " + current.address() + ").", current.address())
                : new ApolloException.NotLeader(self + " and no control plane leads right now; one takes over within "
                        + lease.toMillis() + " ms of the last leader's lease: try again then.", "");
    }

    @Override
    public LeadershipView view() {
        Leadership.Term current = freshTerm();
        Instant now = Instant.now();
        List<ControlPlaneView> members = leadership.map(l -> {
            try {
                return l.members().stream().map(m -> new ControlPlaneView(m.id(), m.address(), m.startedAt(), m.seenAt(),
                        m.id().equals(current.holder()) && current.expiresAt().isAfter(now) ? "leader"
                                : m.seenAt().plus(lease).isBefore(now) ? "silent" : "standby")).toList();
            } catch (RuntimeException e) {
                return List.<ControlPlaneView>of();
            }
        }).orElse(List.of());
        return new LeadershipView(mode.label(), id, current.epoch(), current.holder(), current.address(),
                current.epoch() == 0 ? null : current.expiresAt(), note, members);
    }

    /** Stops campaigning and gives up a lease held, so that a standby takes over at once. */
    @Override
    public void close() {
        rounds.shutdownNow();
        leadership.ifPresent(Leadership::close);
    }
}
