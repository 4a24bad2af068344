package io.ragline.platform;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./ragline keys create|list|revoke}: the gateway's admin API from the command line, with the admin token of
 * the local platform ({@code RAGLINE_DATA_DIR/admin-token}, written at the first start) or {@code RAGLINE_ADMIN_TOKEN}.
 */
@Command(
        name = "keys",
        description = "manage API keys through the gateway's admin API",
        mixinStandardHelpOptions = true,
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {

    static final String TOKEN_FILE = "admin-token";

    @Spec
    CommandSpec spec;

    /** Without a subcommand: its usage. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "keys needs a subcommand: create, list or revoke");
    }

    /** The local platform's admin token, created on first use (owner-only file permissions). */
    static String adminToken(Settings settings) {
        String fromEnv = System.getenv("GATEWAY_ACCESS_ADMIN_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        Path file = settings.dataDir().resolve(TOKEN_FILE);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(file.getParent());
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String token = "rladmin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            Files.writeString(file, token + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    /** What the three subcommands share: the gateway, the admin token, one authorised request. */
    abstract static class KeysRequest extends RaglineCommand {

        @Option(names = "--gateway", paramLabel = "URL", description = "the gateway (default: the local platform's)")
        String gateway;

        abstract HttpRequest.Builder request(String gateway);

        /** What to print for a successful answer's body. */
        abstract String shown(String body);

        @Override
        public Integer call() throws Exception {
            String token = System.getenv().getOrDefault("RAGLINE_ADMIN_TOKEN", adminToken(settings()));
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            request(gateway != null ? gateway : serviceUrl("gateway"))
                                    .header("Authorization", "Bearer " + token)
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                System.err.println("refused (" + response.statusCode() + "): " + response.body());
                return 1;
            }
            System.out.println(shown(response.body()));
            return 0;
        }
    }

    @Command(name = "create", description = "create a key; it is shown only once", mixinStandardHelpOptions = true)
    static final class Create extends KeysRequest {

        @Option(names = "--tenant", required = true, paramLabel = "TENANT")
        String tenant;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--rate", paramLabel = "PER_MINUTE", description = "requests per minute")
        Integer rate;

        @Option(names = "--daily-tokens", paramLabel = "N", description = "model tokens per day")
        Long dailyTokens;

        @Override
        HttpRequest.Builder request(String gateway) {
            String body = "{\"tenant\":" + quote(tenant) + ",\"name\":" + quote(name)
                    + (rate == null ? "" : ",\"ratePerMinute\":" + rate)
                    + (dailyTokens == null ? "" : ",\"dailyTokens\":" + dailyTokens) + "}";
            return HttpRequest.newBuilder(URI.create(gateway + "/admin/api-keys"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }

        @Override
        String shown(String body) {
            return "created; the key is shown only now:\n" + body;
        }
    }

    @Command(name = "list", description = "list the keys (not their secrets)", mixinStandardHelpOptions = true)
    static final class ListKeys extends KeysRequest {

        @Option(names = "--tenant", paramLabel = "TENANT", description = "only this tenant's keys")
        String tenant;

        @Override
        HttpRequest.Builder request(String gateway) {
            return HttpRequest.newBuilder(URI.create(gateway + "/admin/api-keys"
                    + (tenant == null ? "" : "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8))));
        }

        @Override
        String shown(String body) {
            return body;
        }
    }

    @Command(name = "revoke", description = "revoke a key at once", mixinStandardHelpOptions = true)
    static final class Revoke extends KeysRequest {

        @Parameters(paramLabel = "KEY_ID")
        String id;

        @Override
        HttpRequest.Builder request(String gateway) {
            return HttpRequest.newBuilder(URI.create(gateway + "/admin/api-keys/" + id))
                    .DELETE();
        }

        @Override
        String shown(String body) {
            return body.isEmpty() ? "revoked " + id : body;
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
