package io.ragline.retriever.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the retriever can be told, under {@code retriever.*}. */
@ConfigMapping(prefix = "retriever")
public interface RetrieverConfig {

    /** Search defaults and limits. */
    Search search();

    interface Search {

        /** Results returned when a request names no {@code topK}. */
        @WithDefault("10")
        int defaultTopK();

        /** Largest {@code topK} a request may ask for; more is refused with 400. */
        @WithDefault("100")
        int maxTopK();
    }
}
