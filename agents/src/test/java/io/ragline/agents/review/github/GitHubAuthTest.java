package io.ragline.agents.review.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class GitHubAuthTest {

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    @Test
    void theAppJwtIsSignedRs256AndNamesTheApp() throws Exception {
        KeyPair keys = rsa();
        GitHubAuth auth = GitHubAuth.app(
                "12345", pem("PRIVATE KEY", keys.getPrivate().getEncoded()), "http://unused", Duration.ofSeconds(5));

        String[] jwt = auth.jwt().split("\\.");

        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(claims.path("iss").asText()).isEqualTo("12345");
        long now = Instant.now().getEpochSecond();
        assertThat(claims.path("iat").asLong()).isBetween(now - 70, now - 50);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(600);
        Signature verify = Signature.getInstance("SHA256withRSA");
        verify.initVerify(keys.getPublic());
        verify.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verify.verify(Base64.getUrlDecoder().decode(jwt[2]))).isTrue();
    }

    @Test
    void aPkcs1KeyAsGithubIssuesItIsAccepted() throws Exception {
        KeyPair keys = rsa();
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        // a 2048-bit PKCS#8 key is 30 82 LL LL | 02 01 00 | 30 0d ... 05 00 | 04 82 LL LL | the PKCS#1 key
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);

        assertThat(GitHubAuth.pkcs1ToPkcs8(pkcs1)).isEqualTo(pkcs8);
        assertThat(GitHubAuth.privateKey(pem("RSA PRIVATE KEY", pkcs1)).getEncoded())
                .isEqualTo(pkcs8);
    }

    @Test
    void aTokenIsSentAsBearer() {
        assertThat(GitHubAuth.token("ghs_abc").apply("o/r")).isEqualTo("Bearer ghs_abc");
        assertThat(GitHubAuth.anonymous().apply("o/r")).isEmpty();
    }
}
