package io.ragline.agents.review.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code Authorization} header for a repository: a configured token, or a GitHub App's installation token (a JWT
 * signed RS256 with the App's key → the repository's installation → an installation token, cached until a minute
 * before it expires).
 */
public final class GitHubAuth implements Function<String, String> {

    private record Token(String value, Instant expires) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final String appId;
    private final PrivateKey key;
    private final String apiUrl;
    private final Duration timeout;
    private GitHubApi api;
    private final Map<String, Token> installationTokens = new ConcurrentHashMap<>();

    private GitHubAuth(String token, String appId, PrivateKey key, String apiUrl, Duration timeout) {
        this.token = token;
        this.appId = appId;
        this.key = key;
        this.apiUrl = apiUrl.replaceAll("/+$", "");
        this.timeout = timeout;
    }

    public static GitHubAuth token(String token) {
        return new GitHubAuth(token, null, null, "", Duration.ofSeconds(20));
    }

    public static GitHubAuth app(String appId, String privateKeyPem, String apiUrl, Duration timeout) {
        return new GitHubAuth(null, appId, privateKey(privateKeyPem), apiUrl, timeout);
    }

    /** No credentials: public repositories only, at GitHub's unauthenticated rate limit. */
    public static GitHubAuth anonymous() {
        return new GitHubAuth(null, null, null, "", Duration.ofSeconds(20));
    }

    @Override
    public String apply(String repository) {
        if (token != null) {
            return "Bearer " + token;
        }
        if (key == null) {
            return "";
        }
        Token cached = installationTokens.get(repository);
        if (cached == null || Instant.now().isAfter(cached.expires().minusSeconds(60))) {
            cached = installationToken(repository);
            installationTokens.put(repository, cached);
        }
        return "Bearer " + cached.value();
    }

    /** A JWT for the App: issued 60 s ago (clock drift), valid 9 minutes, signed RS256. */
    String jwt() {
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"iat\":" + (now - 60) + ",\"exp\":" + (now + 540) + ",\"iss\":\"" + appId + "\"}");
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the GitHub App JWT: " + e.getMessage(), e);
        }
    }

    private Token installationToken(String repository) {
        String jwt = "Bearer " + jwt();
        GitHubClient.Repo repo = GitHubClient.Repo.of(repository);
        GitHubApi github = api();
        JsonNode installation = call(
                "/repos/" + repository + "/installation", () -> github.installation(jwt, repo.owner(), repo.name()));
        long id = installation.path("id").asLong();
        JsonNode minted = call("/app/installations/" + id + "/access_tokens", () -> github.accessToken(jwt, id));
        return new Token(
                minted.path("token").asText(),
                Instant.parse(minted.path("expires_at").asText()));
    }

    private synchronized GitHubApi api() {
        if (api == null) {
            api = GitHubClient.api(apiUrl.replaceAll("/+$", ""), timeout);
        }
        return api;
    }

    private JsonNode call(String path, Supplier<Response> call) {
        Response r;
        try {
            r = call.get();
        } catch (ProcessingException e) {
            throw new GitHubException(0, "GitHub unreachable for App authentication: " + e.getMessage());
        }
        try (r) {
            String body = r.hasEntity() ? r.readEntity(String.class) : "";
            if (r.getStatus() >= 300) {
                throw new GitHubException(
                        r.getStatus(),
                        "GitHub App authentication failed (" + r.getStatus() + ") at " + path + ": " + body);
            }
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new GitHubException(0, "GitHub answered App authentication with what is not JSON: " + e.getMessage());
        }
    }

    /** PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as GitHub issues App keys). */
    static PrivateKey privateKey(String pem) {
        boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
        byte[] der = Base64.getMimeDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        if (pkcs1) {
            der = pkcs1ToPkcs8(der);
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "agents.github.private-key is not an RSA private key: " + e.getMessage(), e);
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, the key as an octet string). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
        byte[] body = concat(version, algorithm, octets);
        return concat(new byte[] {0x30}, length(body.length), body);
    }

    private static byte[] length(int n) {
        if (n < 128) {
            return new byte[] {(byte) n};
        }
        if (n < 256) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 65536) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
