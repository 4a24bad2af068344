package io.ragline.contracts.answer.api;

import java.time.Instant;
import java.util.List;

/**
 * The gateway's answers API, as the gateway serves it and the judge reads it for fine-tuning exports: the gateway owns
 * the answered turns and what users said about them; the judge joins its own scores.
 *
 * <p>{@code GET /admin/answers?tenant=&rated=&limit=&after=} with the admin token as bearer: 200 and an
 * {@link AnswerPage} of the tenant's answered turns, oldest first, each with the latest feedback (none: null rating);
 * {@code rated=true} keeps the turns with feedback only; {@code limit} 1..1000; {@code after} is the previous page's
 * {@code next}. 400 for a bad parameter, 401 / 403 without the admin token.
 */
public final class AnswersApi {

    public static final String PATH = "/admin/answers";

    public static final int MAX_PAGE = 1000;

    private AnswersApi() {}

    /**
     * An answered turn: {@code rating} is 1 (up), -1 (down) or null (no feedback); {@code correctedAnswer} is what the
     * user said the answer should have been, if anything.
     */
    public record Answer(
            String eventId,
            String question,
            String answer,
            String mode,
            Instant createdAt,
            Integer rating,
            String correctedAnswer) {}

    /** One page; {@code next} is the cursor for the following page, null at the end. */
    public record AnswerPage(List<Answer> answers, String next) {}
}
