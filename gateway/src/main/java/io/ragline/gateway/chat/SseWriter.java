package io.ragline.gateway.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events to a response stream, flushing each, and remembers when the client went away (a failed
 * write), so the producer can stop.
 */
public final class SseWriter {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final OutputStream out;
    private final HttpServerResponse response;
    private volatile boolean closed;

    /**
     * @param out the response body
     * @param response the HTTP response, whose connection closing marks the client gone (writes to a closed
     *     connection do not always fail at once)
     */
    public SseWriter(OutputStream out, HttpServerResponse response) {
        this.out = out;
        this.response = response;
    }

    /** {@code event: NAME} with the value as JSON data. */
    public void event(String name, Object value) {
        try {
            write("event: " + name + "\ndata: " + JSON.writeValueAsString(value) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bare {@code data:} line, as OpenAI-style streams use. */
    public void data(String data) {
        write("data: " + data + "\n\n");
    }

    public boolean closed() {
        if (!closed && response != null && response.closed()) {
            closed = true;
        }
        return closed;
    }

    private synchronized void write(String frame) {
        if (closed()) {
            return;
        }
        try {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            closed = true;
        }
    }
}
