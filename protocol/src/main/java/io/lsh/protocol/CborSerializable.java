package io.lsh.protocol;

/**
 * Marker for every message that crosses a node boundary. Bound once to Pekko's {@code jackson-cbor} serializer in
 * this module's {@code reference.conf}; Java serialization is switched off.
 */
public interface CborSerializable {
}
