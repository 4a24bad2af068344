package io.ragline.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the ragline checkout: the {@code ragline.home} system property, or the nearest parent holding deploy/pglite. */
public final class Home {

    private Home() {}

    public static Path locate() {
        String configured = System.getProperty("ragline.home", System.getenv("RAGLINE_HOME"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("deploy/pglite/package.json"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the ragline checkout from "
                + Path.of("").toAbsolutePath() + ": set -Dragline.home or RAGLINE_HOME");
    }
}
