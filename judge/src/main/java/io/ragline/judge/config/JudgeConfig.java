package io.ragline.judge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the judge can be told, under {@code judge.*}. */
@ConfigMapping(prefix = "judge")
public interface JudgeConfig {

    /** Online scoring of produced answers. */
    Online online();

    /** Nightly quality runs. */
    Evals evals();

    interface Online {

        /** Fraction of answers scored, in [0, 1]. */
        @WithDefault("0.1")
        double sampleRate();
    }

    interface Evals {

        /** When the nightly run starts (Quartz-style cron). */
        @WithDefault("0 0 2 * * ?")
        String schedule();

        /** A metric drop beyond this (absolute) against the previous run marks a run regressed. */
        @WithDefault("0.02")
        double regressionThreshold();
    }
}
