package io.lsh.protocol;

/** The wire protocol version; a worker whose version differs from the coordinator's is refused at registration. */
public final class ProtocolVersion {

    /** Bump on every incompatible change of a record in this module. */
    public static final int CURRENT = 3;

    private ProtocolVersion() {
    }
}
