package io.lsh.launcher;

/** A {@code HOST:PORT} (or {@code HOST}, with a default port) given on the command line. */
record HostPort(String host, int port) {

    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** Parses {@code HOST:PORT} or {@code HOST} given as {@code option}; a bad value is the user's mistake. */
    static HostPort parse(String option, String value, int defaultPort) {
        String host = value;
        int port = defaultPort;
        int colon = value.lastIndexOf(':');
        if (colon >= 0) {
            host = value.substring(0, colon);
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isBlank() || port < 0 || port > 65535) {
            throw new UserInputException("Invalid value for option '" + option + "': '" + value
                    + "' is not HOST:PORT (port 0-65535)");
        }
        return new HostPort(host, port);
    }
}
