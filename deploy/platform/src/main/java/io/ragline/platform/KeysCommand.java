package io.ragline.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * {@code ./ragline keys create|list|revoke}: the gateway's admin API from the command line, with the admin token of
 * the local platform ({@code RAGLINE_DATA_DIR/admin-token}, written at the first start) or {@code RAGLINE_ADMIN_TOKEN}.
 */
final class KeysCommand {

    static final String TOKEN_FILE = "admin-token";

    private KeysCommand() {}

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

    static int run(Settings settings, String[] args) throws Exception {
        String gateway =
                "http://" + settings.host() + ":" + settings.servicePorts().get("gateway");
        String sub = args.length > 1 ? args[1] : "help";
        String tenant = null;
        String name = null;
        String id = null;
        Integer rate = null;
        Long daily = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--tenant" -> tenant = args[++i];
                case "--name" -> name = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--daily-tokens" -> daily = Long.parseLong(args[++i]);
                case "--gateway" -> gateway = args[++i];
                default -> id = args[i];
            }
        }
        String token = System.getenv().getOrDefault("RAGLINE_ADMIN_TOKEN", adminToken(settings));
        HttpRequest.Builder request;
        switch (sub) {
            case "create" -> {
                if (tenant == null || name == null) {
                    return usage();
                }
                String body = "{\"tenant\":" + quote(tenant) + ",\"name\":" + quote(name)
                        + (rate == null ? "" : ",\"ratePerMinute\":" + rate)
                        + (daily == null ? "" : ",\"dailyTokens\":" + daily) + "}";
                request = HttpRequest.newBuilder(URI.create(gateway + "/admin/api-keys"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
            }
            case "list" ->
                request = HttpRequest.newBuilder(
                        URI.create(gateway + "/admin/api-keys" + (tenant == null ? "" : "?tenant=" + tenant)));
            case "revoke" -> {
                if (id == null) {
                    return usage();
                }
                request = HttpRequest.newBuilder(URI.create(gateway + "/admin/api-keys/" + id))
                        .DELETE();
            }
            default -> {
                return usage();
            }
        }
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        request.header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            System.err.println("refused (" + response.statusCode() + "): " + response.body());
            return 1;
        }
        if (sub.equals("create")) {
            System.out.println("created; the key is shown only now:");
        }
        System.out.println(response.body().isEmpty() ? "revoked " + id : response.body());
        return 0;
    }

    private static int usage() {
        System.err.println("""
                usage: ./ragline keys create --tenant TENANT --name NAME [--rate PER_MINUTE] [--daily-tokens N]
                       ./ragline keys list [--tenant TENANT]
                       ./ragline keys revoke KEY_ID""");
        return 2;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
