package io.ragline.retriever.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Everything the retriever can be told, under {@code retriever.*}. */
@ConfigMapping(prefix = "retriever")
public interface RetrieverConfig {

    /** The tenant searched when a request carries no {@code Ragline-Tenant} header (local, single-tenant runs). */
    @WithDefault("default")
    String defaultTenant();

    /** Search defaults and limits. */
    Search search();

    /** The query embedding model; it must be the one ingest embedded the chunks with. */
    Embedding embedding();

    /** BM25 parameters of the keyword side. */
    Bm25 bm25();

    /** How the vector and keyword rankings are combined in hybrid mode. */
    Fusion fusion();

    /** Maximal marginal relevance, when a request asks for it. */
    Mmr mmr();

    /** An external cross-encoder reranker ({@code POST /rerank}), used when a URL is configured. */
    Rerank rerank();

    interface Search {

        /** Results returned when a request names no {@code topK}. */
        @WithDefault("10")
        int defaultTopK();

        /** Largest {@code topK} a request may ask for; more is refused with 400. */
        @WithDefault("100")
        int maxTopK();

        /**
         * Candidates each side (vector, keyword) contributes before fusion; at least {@code topK}. 40 ranks as well as
         * 100 on SciFact (nDCG@10) at well under half the database work per search (docs/BENCHMARKS.md).
         */
        @WithDefault("40")
        int candidates();

        /** Longest query accepted, in characters. */
        @WithDefault("2000")
        int maxQueryChars();

        /**
         * Run the unfiltered search statements through functions the retriever creates for them, so the database plans
         * each once per session rather than on every search. Only for a connection that plans every statement
         * ({@code prepareThreshold=0}, which the embedded PGlite needs and the launcher turns this on for); on a
         * PostgreSQL server the driver's server-side prepared statements already keep plans, so it is off by default.
         */
        @WithDefault("false")
        boolean sessionPlans();
    }

    interface Embedding {

        /**
         * Name ingest records with every vector; only chunks embedded by this model are searched by vector (and the
         * model asked for, when an embedding server is set).
         */
        @WithDefault("bge-small-en-v1.5-q")
        String modelName();

        /**
         * The index version searched (chunks and BM25 postings of other versions are not seen): switching a retriever
         * to a newly built version, with that version's model, is how a new embedding model goes live.
         */
        @WithDefault("1")
        int indexVersion();

        /**
         * The OpenAI-compatible {@code /v1/embeddings} server ingest embeds with ({@code ingest.embedding.url});
         * unset, queries are embedded in-process.
         */
        Optional<String> url();

        /** Bearer key for the embedding server, if it wants one. */
        Optional<String> apiKey();

        /** Longest wait for a query's embedding; past it hybrid search answers from BM25 alone and says so. */
        @WithDefault("5S")
        Duration timeout();
    }

    interface Bm25 {

        /** Term-frequency saturation. */
        @WithDefault("0.9")
        double k1();

        /** Length normalisation. */
        @WithDefault("0.4")
        double b();

        /**
         * Hybrid search's keyword candidates: terms in more than this fraction of the tenant's chunks (common terms) do
         * not nominate candidates (their postings are the longest and rank the least) but still add to every
         * candidate's score, looked up by key; if the rarer terms nominate fewer chunks than asked for, every term
         * nominates. Keyword search always ranks by exact BM25. 1 turns it off. (What Lucene's common-terms query and
         * Elasticsearch's {@code cutoff_frequency} did.)
         */
        @WithDefault("0.05")
        double commonTermCutoff();
    }

    interface Fusion {

        /**
         * {@code convex}: a weighted sum of min-max normalised scores (0.7756 nDCG@10 on SciFact train);
         * {@code rrf}: reciprocal-rank fusion, which lifts exact identifiers more and ranks SciFact worse
         * (docs/BENCHMARKS.md).
         */
        @WithDefault("convex")
        String method();

        /** RRF's rank constant. */
        @WithDefault("60")
        int rrfK();

        /** Weight of the vector ranking (convex: of its normalised score; rrf: of its reciprocal rank). */
        @WithDefault("0.75")
        double vectorWeight();

        /** Weight of the keyword ranking. */
        @WithDefault("0.25")
        double keywordWeight();
    }

    interface Mmr {

        /** Relevance versus novelty: 1 keeps the fused order, 0 only avoids repeats. */
        @WithDefault("0.7")
        double lambda();

        /** How many fused candidates MMR chooses from, as a multiple of {@code topK}. */
        @WithDefault("3")
        int poolFactor();
    }

    interface Rerank {

        /** Base URL of a reranker exposing {@code POST /rerank} (TEI, vLLM or Cohere style); none: no reranking. */
        Optional<String> url();

        /** Model name sent to servers that serve several. */
        Optional<String> model();

        /** How many fused candidates are sent to the reranker. */
        @WithDefault("50")
        int candidates();

        /** A slower reranker is skipped (the fused order is kept and the response says so). */
        @WithDefault("2s")
        Duration timeout();
    }
}
