package io.ragline.gateway.chat;

import io.ragline.contracts.TokenUsage;
import io.ragline.contracts.answer.AnswerProduced;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.model.GatewayModel;
import io.ragline.gateway.problem.ProblemException;
import io.ragline.model.AiCalls;
import io.ragline.model.ModelUnavailableException;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import io.ragline.retriever.client.RetrieverClient;
import io.ragline.retriever.client.RetrieverUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One chat turn: history → standalone query → retrieval → evidence check → grounded answer (the model server, or the
 * extractive fallback when there is none or it fails) → citations → stored turn → answer-produced event. The model
 * being away never fails the request: the answer degrades and says why.
 */
@ApplicationScoped
public class ChatService {

    private static final Logger LOG = Logger.getLogger(ChatService.class);

    static final String NO_EVIDENCE =
            "The documents don't cover this: no indexed passage is close enough to the" + " question to answer it.";
    static final String NO_MODEL =
            "No language model is configured: this answer quotes the passages that best match" + " the question.";

    @Inject
    GatewayConfig config;

    @Inject
    GatewayModel models;

    @Inject
    AnswerModel answerModel;

    @Inject
    QueryRewriter rewriter;

    @Inject
    RetrieverClient retriever;

    @Inject
    ConversationStore conversations;

    @Inject
    AnswerEvents answerEvents;

    public ChatAnswer answer(String tenant, ChatRequest request) {
        return answer(prepare(tenant, request), ChatEvents.NONE);
    }

    /** Everything before the answer is written; any refusal (4xx) or missing dependency (503) happens here. */
    public record Prepared(
            String tenant,
            String conversationId,
            String message,
            List<Turn> history,
            String query,
            List<Passage> passages,
            TokenUsage usage,
            long started,
            long rewriteMs,
            long retrievalMs) {}

    /** Validates before any work, so a bad request is a 4xx and not a broken stream. */
    public void validate(ChatRequest request) {
        if (request == null || request.message() == null || request.message().isBlank()) {
            throw new ProblemException(400, "message is required and must not be blank");
        }
        if (request.message().length() > config.chat().maxMessageChars()) {
            throw new ProblemException(
                    400,
                    "message has " + request.message().length() + " characters; the limit is "
                            + config.chat().maxMessageChars());
        }
        if (request.topK() != null && (request.topK() < 1 || request.topK() > 50)) {
            throw new ProblemException(400, "topK must be between 1 and 50, was " + request.topK());
        }
        if (request.filters() != null
                && !request.filters().isNull()
                && !request.filters().isObject()) {
            throw new ProblemException(400, "filters must be an object");
        }
    }

    public Prepared prepare(String tenant, ChatRequest request) {
        return prepare(tenant, request, null);
    }

    /**
     * With {@code history} given (the OpenAI-compatible API, whose clients send the whole conversation), that history
     * is used instead of a stored one and a new conversation records the turn.
     */
    public Prepared prepare(String tenant, ChatRequest request, List<Turn> givenHistory) {
        validate(request);
        long t0 = System.nanoTime();
        String message = request.message().strip();
        List<Turn> history;
        String conversationId = request.conversationId();
        if (givenHistory != null) {
            conversationId = conversations.newId();
            history = Turn.newestWithin(givenHistory, config.chat().historyTokens());
        } else if (conversationId == null || conversationId.isBlank()) {
            conversationId = conversations.newId();
            history = List.of();
        } else {
            history =
                    conversations.history(tenant, conversationId, config.chat().historyTokens());
        }

        TokenUsage usage = TokenUsage.NONE;
        String query = message;
        long rewriteStart = System.nanoTime();
        if (!history.isEmpty() && models.available()) {
            AiCalls.Tally calls = models.tally();
            try {
                String conversation = GroundedPrompt.rewrite(history, message);
                String rewritten = calls.add(() -> models.call(() -> rewriter.rewrite(conversation)));
                String q = rewritten == null ? "" : rewritten.strip().replaceAll("^\"|\"$", "");
                if (!q.isEmpty() && q.length() <= 1000) {
                    query = q;
                }
                usage = usage.plus(new TokenUsage(calls.promptTokens(), calls.completionTokens()));
            } catch (ModelUnavailableException e) {
                LOG.debugf("query rewrite skipped: %s", e.getMessage());
            }
        }
        long rewriteMs = millis(rewriteStart);

        long retrievalStart = System.nanoTime();
        List<Passage> passages = retrieve(tenant, query, request);
        long retrievalMs = millis(retrievalStart);
        return new Prepared(
                tenant, conversationId, message, history, query, passages, usage, t0, rewriteMs, retrievalMs);
    }

    public ChatAnswer answer(Prepared prepared, ChatEvents events) {
        String tenant = prepared.tenant();
        String conversationId = prepared.conversationId();
        String message = prepared.message();
        String query = prepared.query();
        List<Passage> passages = prepared.passages();
        TokenUsage usage = prepared.usage();
        long t0 = prepared.started();
        long rewriteMs = prepared.rewriteMs();
        long retrievalMs = prepared.retrievalMs();
        events.retrieval(
                conversationId, query, passages.stream().map(Passage::citation).toList());

        long generationStart = System.nanoTime();
        String mode;
        String text;
        String notice = null;
        String model = "none";
        if (passages.isEmpty()) {
            mode = "no_evidence";
            text = NO_EVIDENCE;
            notice = "No passage reached the evidence threshold ("
                    + config.chat().minEvidence() + ").";
            events.token(text);
        } else {
            Generated generated;
            try {
                generated = answerModel.generate(GroundedPrompt.answer(prepared.history(), passages, message), events);
            } catch (AnswerModel.BrokeOff e) {
                LOG.warnf("answer stream broke off: %s", e.getMessage());
                events.error("the model server stopped answering: " + e.getMessage());
                return null;
            }
            if (generated == null) {
                return null; // the client went away
            }
            if (generated.answered() && generated.text().isBlank()) {
                // e.g. a tool call instead of text: nothing to show, so the answer falls back like an outage
                generated = Generated.none("the model returned no text");
            }
            if (generated.answered()) {
                mode = "generative";
                text = generated.text();
                model = generated.model();
                usage = usage.plus(new TokenUsage(generated.promptTokens(), generated.completionTokens()));
                if (generated.truncated()) {
                    notice = "The answer reached the token limit and is cut short.";
                }
            } else {
                mode = "extractive";
                text = ExtractiveAnswerer.answer(ExtractiveAnswerer.select(
                        message, passages, config.chat().extractiveSentences()));
                notice = models.configured()
                        ? "The model server is unavailable (" + generated.reason() + "): this answer quotes the"
                                + " passages that best match the question."
                        : NO_MODEL;
                events.token(text);
            }
        }
        long generationMs = millis(generationStart);

        List<Citation> citations = new ArrayList<>();
        for (int n : GroundedPrompt.cited(text, passages.size())) {
            Citation c = passages.get(n - 1).citation();
            citations.add(c);
            events.citation(c);
        }
        ChatAnswer answer = new ChatAnswer(
                conversationId,
                0,
                null,
                text,
                mode,
                notice,
                model,
                mode.equals("generative") ? GroundedPrompt.VERSION : null,
                query,
                citations,
                new ChatAnswer.Usage(usage.promptTokens(), usage.completionTokens(), usage.totalTokens()),
                new ChatAnswer.Latencies(rewriteMs, retrievalMs, generationMs, millis(t0)));
        AnswerProduced event = AnswerProduced.of(
                tenant,
                conversationId,
                message,
                query.equals(message) ? null : query,
                text,
                citations.stream().map(Citation::chunkId).toList(),
                passages.stream()
                        .map(p -> new AnswerProduced.RetrievedContext(
                                p.hit().chunkId(), p.hit().documentId(), p.hit().vectorScore(), p.text()))
                        .toList(),
                model,
                AnswerProduced.AnswerMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)),
                new AnswerProduced.Latencies(retrievalMs, generationMs, millis(t0)),
                usage);
        int turn = conversations.append(tenant, conversationId, answer, message, AnswerEvents.entry(event));
        answerEvents.publish(event);
        ChatAnswer stored = new ChatAnswer(
                answer.conversationId(),
                turn,
                event.eventId(),
                answer.answer(),
                answer.mode(),
                answer.notice(),
                answer.model(),
                answer.promptVersion(),
                answer.query(),
                answer.citations(),
                answer.usage(),
                new ChatAnswer.Latencies(rewriteMs, retrievalMs, generationMs, millis(t0)));
        events.done(stored);
        return stored;
    }

    private List<Passage> retrieve(String tenant, String query, ChatRequest request) {
        int topK = request.topK() == null ? config.chat().topK() : request.topK();
        List<SearchResponse.Hit> hits;
        try {
            hits = retriever.search(tenant, SearchRequest.of(query, topK).withFilters(request.filters()));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, e.getMessage());
        } catch (RetrieverUnavailableException e) {
            throw new ProblemException(503, "search is unavailable: " + e.getMessage(), 5);
        }
        List<Passage> passages = new ArrayList<>();
        int budget = config.chat().contextTokens();
        for (SearchResponse.Hit hit : hits) {
            if (hit.vectorScore() < config.chat().minEvidence()) {
                continue;
            }
            budget -= GroundedPrompt.tokens(hit.text());
            if (budget < 0 && !passages.isEmpty()) {
                break;
            }
            passages.add(new Passage(passages.size() + 1, hit));
        }
        return passages;
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
