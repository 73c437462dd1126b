package dev.apollo.scheduler.local;

import dev.apollo.core.port.ObservedInstance.Exit;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a scheduler opening on a state directory makes of one instance record and the live
 * processes carrying its id: adopt one process, and kill any others (there should be none).
 * Decides only; the scheduler carries it out.
 *
 * @param record the record as it should now be (persisted when it differs from the file)
 * @param process the process adopted, if any
 * @param strays processes carrying the record's id that are not the one adopted
 */
record Adoption(InstanceRecord record, Optional<ProcessHandle> process, List<ProcessHandle> strays) {

    static Adoption of(InstanceRecord record, List<ProcessHandle> processes, Instant now) {
        // Prefer the recorded pid; without one (a crash before it was written) any carrier of the id is it.
        Optional<ProcessHandle> process = processes.stream()
                .filter(p -> record.pid().isPresent() && record.pid().get() == p.pid())
                .findFirst()
                .or(() -> processes.stream().findFirst());
        List<ProcessHandle> strays = processes.stream().filter(p -> process.isEmpty() || p != process.get()).toList();

        if (process.isPresent()) {
            // Alive whatever the record says: a crash may have kept the pid out of it.
            InstanceRecord running = record.withPid(process.get().pid()).withExit(Optional.empty());
            return new Adoption(running, process, strays);
        }
        if (record.running()) {
            String reason = record.stopRequested() ? ExitReason.STOPPED : ExitReason.WHILE_DOWN;
            InstanceRecord exited = record.withExit(Optional.of(new Exit(Exit.UNKNOWN_CODE, reason, now)));
            return new Adoption(exited, Optional.empty(), strays);
        }
        return new Adoption(record, Optional.empty(), strays);
    }
}
