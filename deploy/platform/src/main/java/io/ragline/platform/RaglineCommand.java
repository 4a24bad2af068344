package io.ragline.platform;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A {@code ./ragline} command: picocli fills in its options and calls it; it reads the platform's settings from the
 * environment, or from what a test gave it with {@link #with(Settings)}.
 */
public abstract class RaglineCommand implements Callable<Integer> {

    private Settings settings;

    /** This command run against {@code given} instead of the environment's settings. */
    public RaglineCommand with(Settings given) {
        this.settings = given;
        return this;
    }

    /** The project's folder (where {@code ./ragline} lies). */
    public Path home() {
        return settings().home();
    }

    protected Settings settings() {
        return settings != null ? settings : Commands.settings();
    }

    /** The URL of one of the local platform's services ({@code gateway}, {@code judge}, ...). */
    protected String serviceUrl(String service) {
        Settings s = settings();
        return "http://" + s.host() + ":" + s.servicePorts().get(service);
    }
}
