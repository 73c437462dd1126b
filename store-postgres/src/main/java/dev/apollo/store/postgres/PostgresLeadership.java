package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.ApolloException;
import dev.apollo.core.port.Leadership;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The lease of control planes sharing one PostgreSQL database, in the {@code leadership} row, timed
 * by the database's clock. Taking the lease bumps the epoch; from then on every write of this
 * store checks, inside its own transaction and under a share lock on that row, that the epoch is
 * still this control plane's and its lease unexpired, and rolls back otherwise. A takeover's UPDATE
 * waits for those share locks, so no write under an old epoch can commit after a newer epoch has.
 *
 * <p>Besides the database's fence, {@link #leading()} answers by this process's own monotonic clock,
 * conservatively (a lease is counted from before the renewal was sent), so that a leader resumed
 * after a pause stops launching and stopping instances before it even reaches the database.
 */
public final class PostgresLeadership implements Leadership {
    private static final Logger LOG = Logger.getLogger(PostgresLeadership.class.getName());
    private static final String TERM = "SELECT epoch, holder, address, expires_at,"
            + " expires_at > clock_timestamp() AS valid FROM leadership WHERE only_row = 1";

    private final Db db;
    private final String id;
    private volatile String address;
    private final Duration lease;
    private final Instant startedAt = Instant.now();
    private long epoch;
    private volatile long validUntilNanos;
    private volatile boolean holding;

    private PostgresLeadership(Db db, String id, String address, Duration lease) {
        this.db = db;
        this.id = id;
        this.address = address;
        this.lease = lease;
    }

    /**
     * The leadership of {@code store}'s database for the control plane {@code id} (unique per process:
     * a restarted control plane is a new candidate) answering at {@code address}. From now on the store
     * refuses writes until this control plane wins a term.
     */
    public static PostgresLeadership of(PostgresStore store, String id, String address, Duration lease) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (lease.toMillis() < 100) {
            throw new ApolloException.Invalid("lease: " + lease.toMillis() + " ms (expected: >= 100 ms)");
        }
        PostgresLeadership leadership = new PostgresLeadership(store.db(), id, address, lease);
        store.db().guardWrites(leadership::fence);
        return leadership;
    }

    /** The API address to campaign with, once it is known (a port 0 is chosen when the API binds). */
    public void advertise(String address) {
        this.address = Objects.requireNonNull(address, "address");
    }

    @Override
    public synchronized Round campaign() {
        long sentAt = System.nanoTime();
        return db.once("campaign for the leadership", c -> {
            Jdbc.update(c, "INSERT INTO control_planes (id, address, started_at, seen_at) VALUES (?, ?, ?, clock_timestamp())"
                    + " ON CONFLICT (id) DO UPDATE SET address = excluded.address, seen_at = excluded.seen_at", s -> {
                        s.setString(1, id);
                        s.setString(2, address);
                        s.setObject(3, OffsetDateTime.ofInstant(startedAt, java.time.ZoneOffset.UTC));
                    });
            Change change = holding ? renew(c, sentAt) : tryTake(c, sentAt);
            return new Round(change, term(c));
        });
    }

    private Change renew(Connection c, long sentAt) throws SQLException {
        int renewed = Jdbc.update(c, "UPDATE leadership SET renewed_at = clock_timestamp(),"
                + " expires_at = clock_timestamp() + ? * interval '1 millisecond'"
                + " WHERE only_row = 1 AND epoch = ? AND holder = ? AND expires_at > clock_timestamp()", s -> {
                    s.setLong(1, lease.toMillis());
                    s.setLong(2, epoch);
                    s.setString(3, id);
                });
        if (renewed == 1) {
            validUntilNanos = sentAt + lease.toNanos();
            return Change.NONE;
        }
        holding = false;
        LOG.warning("lost the leadership (epoch " + epoch + "): the lease was not renewed in time; stepping down");
        return Change.LOST;
    }

    private Change tryTake(Connection c, long sentAt) throws SQLException {
        Optional<Long> won = Jdbc.first(c, "UPDATE leadership SET epoch = epoch + 1, holder = ?, address = ?,"
                + " acquired_at = clock_timestamp(), renewed_at = clock_timestamp(),"
                + " expires_at = clock_timestamp() + ? * interval '1 millisecond'"
                + " WHERE only_row = 1 AND expires_at <= clock_timestamp() RETURNING epoch", s -> {
                    s.setString(1, id);
                    s.setString(2, address);
                    s.setLong(3, lease.toMillis());
                }, row -> row.getLong(1));
        if (won.isEmpty()) {
            return Change.NONE;
        }
        epoch = won.get();
        validUntilNanos = sentAt + lease.toNanos();
        holding = true;
        LOG.info("took the leadership: epoch " + epoch + ", lease " + lease.toMillis() + " ms");
        return Change.WON;
    }

    @Override
    public boolean leading() {
        return holding && System.nanoTime() - validUntilNanos < 0;
    }

    /** The epoch of the term this control plane won last, 0 when it never led. */
    public synchronized long epoch() {
        return epoch;
    }

    @Override
    public synchronized void resign() {
        if (!holding) {
            return;
        }
        holding = false;
        db.once("resign the leadership", c -> Jdbc.update(c, "UPDATE leadership SET expires_at = clock_timestamp()"
                + " WHERE only_row = 1 AND epoch = ? AND holder = ?", s -> {
                    s.setLong(1, epoch);
                    s.setString(2, id);
                }));
        LOG.info("resigned the leadership (epoch " + epoch + ")");
    }

    @Override
    public List<Member> members() {
        return db.read("list the control planes", c -> Jdbc.list(c,
                "SELECT id, address, started_at, seen_at FROM control_planes"
                        + " WHERE seen_at > clock_timestamp() - interval '1 hour' ORDER BY id", Jdbc.NO_PARAMETERS,
                row -> new Member(row.getString("id"), row.getString("address"), instant(row, "started_at"),
                        instant(row, "seen_at"))));
    }

    /**
     * The identity of the control planes sharing this database, made once by the schema's migration: what
     * they share outside it (the Swarm scheduler's namespace) derives from it, not from a data dir.
     */
    public String clusterId() {
        return db.read("read the cluster's identity", c -> Jdbc.first(c, "SELECT id FROM cluster WHERE only_row = 1",
                Jdbc.NO_PARAMETERS, row -> row.getString(1)).orElseThrow());
    }

    /** Where the last leader's local scheduler keeps its instances; empty before any leader recorded it. */
    public Optional<InstancesPlace> instancesPlace() {
        return db.read("read where the instances are kept", c -> Jdbc.first(c,
                "SELECT instances_machine, instances_home, instances_epoch FROM cluster WHERE only_row = 1"
                        + " AND instances_machine <> ''", Jdbc.NO_PARAMETERS,
                row -> new InstancesPlace(row.getString(1), row.getString(2), row.getLong(3))));
    }

    /**
     * Records that this leader's local scheduler keeps the instances in {@code home} on {@code machine}; a
     * write like any other, so it is refused unless this control plane leads.
     */
    public void placeInstances(String machine, String home) {
        long mine = epoch();
        db.write("record where the instances are kept", c -> Jdbc.update(c,
                "UPDATE cluster SET instances_machine = ?, instances_home = ?, instances_epoch = ? WHERE only_row = 1", s -> {
                    s.setString(1, machine);
                    s.setString(2, home);
                    s.setLong(3, mine);
                }));
    }

    /**
     * Where a leader's local scheduler kept its instances.
     *
     * @param machine the machine, as {@code hostname/boot id}: processes are reachable from that machine only
     * @param home the scheduler's state directory there
     * @param epoch the term of the leader that recorded it
     */
    public record InstancesPlace(String machine, String home, long epoch) {
        public InstancesPlace {
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(home, "home");
        }
    }

    @Override
    public Term current() {
        return term();
    }

    /** The current term, whoever holds it. */
    public Term term() {
        return db.read("read the leadership", PostgresLeadership::term);
    }

    @Override
    public void close() {
        try {
            resign();
            db.once("leave the control planes", c -> Jdbc.update(c, "DELETE FROM control_planes WHERE id = ?",
                    s -> s.setString(1, id)));
        } catch (RuntimeException e) {
            LOG.warning("could not resign cleanly (" + e.getMessage() + "); the lease will simply expire");
        }
    }

    /** The write guard: run first in every write transaction of the store. */
    private void fence(Connection c) throws SQLException {
        long mine;
        synchronized (this) {
            mine = holding ? epoch : 0;
        }
        Fence current = Jdbc.first(c, TERM + " FOR SHARE", Jdbc.NO_PARAMETERS,
                row -> new Fence(row.getLong("epoch"), row.getString("holder"), row.getString("address"), row.getBoolean("valid")))
                .orElseThrow();
        if (mine != 0 && current.epoch() == mine && current.valid()) {
            return;
        }
        String leader = current.valid() ? current.address() : "";
        String why = mine == 0 ? "this control plane is a standby" : current.epoch() == mine
                ? "this control plane's lease (epoch " + mine + ") ran out before it was renewed"
                : "this control plane led in epoch " + mine + " but epoch " + current.epoch() + " has begun since";
        throw new Db.Fenced(new ApolloException.NotLeader("Refused a write: " + why + "; "
                + (leader.isEmpty() ? "no control plane leads right now, try again in a few seconds."
                        : "the leader is " + current.holder() + " at " + leader + "; send it there."), leader));
    }

    private record Fence(long epoch, String holder, String address, boolean valid) {}

    private static Term term(Connection c) throws SQLException {
        return Jdbc.first(c, TERM, Jdbc.NO_PARAMETERS, row -> new Term(row.getLong("epoch"), row.getString("holder"),
                row.getString("address"), instant(row, "expires_at"))).orElseThrow();
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }
}
