package io.lsh.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository checkout the tests run in (Maven may start them in the module folder or the top one). */
final class RepoPaths {

    private RepoPaths() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("config/examples/tiny.conf"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("tests must run inside the LSH checkout");
        }
        return dir;
    }

    static Path tinyStudy() {
        return root().resolve("config/examples/tiny.conf");
    }

    static Path builtInCorpus() {
        return root().resolve("data/wikitext-2-excerpt");
    }
}
