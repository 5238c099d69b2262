package io.lsh.protocol;

/** The wire protocol version; a worker whose version differs from the coordinator's is refused at registration. */
public final class ProtocolVersion {

    /**
     * Bump on every incompatible change of a record in this module. 4: {@link StudyRecipe#distance()} and
     * {@link StudyRecipe#spectrumWarmupMode()} (a worker of version 3 would ignore them).
     */
    public static final int CURRENT = 4;

    private ProtocolVersion() {
    }
}
