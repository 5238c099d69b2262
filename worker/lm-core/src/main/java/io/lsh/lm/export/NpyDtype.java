package io.lsh.lm.export;

/** The NumPy element types the export writes and reads, all little-endian. */
public enum NpyDtype {
    /** {@code '<f4'}, IEEE 754 single precision (numpy.float32, torch.float32). */
    FLOAT32("<f4", 4),
    /** {@code '<f8'}, IEEE 754 double precision (numpy.float64, torch.float64). */
    FLOAT64("<f8", 8),
    /** {@code '<i8'}, signed 64-bit integer (numpy.int64, torch.long: what token ids are in PyTorch). */
    INT64("<i8", 8);

    private final String descr;
    private final int bytes;

    NpyDtype(String descr, int bytes) {
        this.descr = descr;
        this.bytes = bytes;
    }

    /** The NumPy type string of the header's {@code 'descr'} key, e.g. {@code <f4}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /**
     * The type of a NumPy type string.
     *
     * @throws ExportException for any other type (big-endian, other widths, structured types)
     */
    public static NpyDtype ofDescr(String descr) {
        for (NpyDtype t : values()) {
            if (t.descr.equals(descr)) {
                return t;
            }
        }
        throw new ExportException("unsupported .npy dtype '" + descr + "' (supported: <f4, <f8, <i8)");
    }
}
