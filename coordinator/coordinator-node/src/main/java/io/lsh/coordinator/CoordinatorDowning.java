package io.lsh.coordinator;

import io.lsh.config.ClusterNodeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downs an unreachable coordinator node as soon as the {@link StudyLock} proves it harmless: this JVM holds the lock
 * (the unreachable node is a standby) or nobody does (the active coordinator's process has ended, and the operating
 * system released its lock). The Split Brain Resolver counts only coordinator nodes ({@code keep-majority} over that
 * role), so with one active and one standby coordinator a crash is a 1:1 tie that it would settle by address, which
 * may shut down the surviving side; downing the dead node first, within about a second of it becoming unreachable
 * and well before the resolver's {@code stable-after}, lets the survivors carry on and the cluster singleton
 * ({@link StudyLeader}) move to the standby. A coordinator that is unreachable but alive keeps its lock and is left
 * to the resolver.
 */
final class CoordinatorDowning {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorDowning.class);

    /** How often the lock is probed while a coordinator node is unreachable. */
    static final Duration PROBE = Duration.ofSeconds(1);

    interface Message {
    }

    private record Reachability(ClusterEvent.ReachabilityEvent event) implements Message,
            NoSerializationVerificationNeeded {
    }

    private record Removed(ClusterEvent.MemberRemoved event) implements Message, NoSerializationVerificationNeeded {
    }

    private record Probe() implements Message, NoSerializationVerificationNeeded {
    }

    private CoordinatorDowning() {
    }

    static Behavior<Message> create(StudyLock lock) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            Cluster cluster = Cluster.get(context.getSystem());
            cluster.subscriptions().tell(Subscribe.create(
                    context.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
                    ClusterEvent.ReachabilityEvent.class));
            cluster.subscriptions().tell(Subscribe.create(
                    context.messageAdapter(ClusterEvent.MemberRemoved.class, Removed::new),
                    ClusterEvent.MemberRemoved.class));
            Map<UniqueAddress, Member> unreachable = new HashMap<>();
            return Behaviors.receive(Message.class)
                    .onMessage(Reachability.class, r -> {
                        Member m = r.event().member();
                        if (!m.hasRole(ClusterNodeConfig.COORDINATOR_ROLE)) {
                            return Behaviors.same();
                        }
                        if (r.event() instanceof ClusterEvent.UnreachableMember) {
                            unreachable.put(m.uniqueAddress(), m);
                            context.getSelf().tell(new Probe());
                        } else {
                            unreachable.remove(m.uniqueAddress());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Removed.class, r -> {
                        unreachable.remove(r.event().member().uniqueAddress());
                        return Behaviors.same();
                    })
                    .onMessage(Probe.class, p -> {
                        if (unreachable.isEmpty()) {
                            return Behaviors.same();
                        }
                        if (lock.heldHereOrFree()) {
                            for (Member m : unreachable.values()) {
                                if (m.status() != MemberStatus.down() && m.status() != MemberStatus.removed()) {
                                    LOG.warn("Coordinator node {} is unreachable and {}: downing it so that the "
                                                    + "cluster carries on (the study moves to the remaining "
                                                    + "coordinator)", m.address(),
                                            lock.held() ? "this node runs the study" : "no longer holds the study lock");
                                    cluster.manager().tell(new Down(m.address()));
                                }
                            }
                            unreachable.clear();
                        } else {
                            timers.startSingleTimer(Probe.class, new Probe(), PROBE);
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }
}
