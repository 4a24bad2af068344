package io.ragline.gateway.chat;

import java.util.List;

/** Where a chat turn reports as it advances: a Server-Sent Events stream, or nothing for a plain JSON answer. */
public interface ChatEvents {

    /** Whether the answer should be streamed token by token. */
    boolean streaming();

    /** The passages found, before the answer is written. */
    void retrieval(String conversationId, String query, List<Citation> sources);

    void token(String text);

    void citation(Citation citation);

    void done(ChatAnswer answer);

    /** The answer broke off after part of it was sent. */
    void error(String reason);

    /** True once the client went away; the work stops and the model call is cancelled. */
    boolean closed();

    ChatEvents NONE = new ChatEvents() {
        @Override
        public boolean streaming() {
            return false;
        }

        @Override
        public void retrieval(String conversationId, String query, List<Citation> sources) {}

        @Override
        public void token(String text) {}

        @Override
        public void citation(Citation citation) {}

        @Override
        public void done(ChatAnswer answer) {}

        @Override
        public void error(String reason) {}

        @Override
        public boolean closed() {
            return false;
        }
    };
}
