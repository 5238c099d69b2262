package io.lsh.protocol;

import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Receptionist keys by which LSH's actors find each other in the cluster. */
public final class ServiceKeys {

    /** The coordinator's wire endpoint; workers subscribe to it and register when it appears. */
    public static final ServiceKey<CoordinatorCommand> COORDINATOR =
            ServiceKey.create(CoordinatorCommand.class, "lsh-coordinator");

    private ServiceKeys() {
    }
}
