package io.ragline.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the scripted HTTP services of the tests (another service's API as a test plays it) share: a server on
 * 127.0.0.1 with a free port, query parameters, JSON answers and {@code {status, detail}} refusals.
 */
public final class ScriptedHttp {

    public static final ObjectMapper JSON = new ObjectMapper();

    private ScriptedHttp() {}

    /** Starts a server on 127.0.0.1 and a free port, one handler per context path. */
    public static HttpServer start(Map<String, HttpHandler> contexts) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            contexts.forEach(server::createContext);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's base URL. */
    public static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The request's query parameters, decoded (the last of a repeated name). */
    public static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String raw = uri.getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A refusal as the services write it. */
    public static ObjectNode problem(int status, String detail) {
        return JSON.createObjectNode().put("status", status).put("detail", detail);
    }

    /** Answers with a JSON body and closes the exchange. */
    public static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Answers 204 and closes the exchange. */
    public static void noContent(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }
}
