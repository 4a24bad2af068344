package io.ragline.agents.review;

/**
 * One review comment.
 *
 * @param path file path in the head commit
 * @param line line number on {@code side}
 * @param side {@code RIGHT} (the head file) or {@code LEFT} (the base file)
 * @param severity {@code critical}, {@code major}, {@code minor}, {@code info}
 * @param category e.g. {@code bug}, {@code security}, {@code secret}, {@code performance}, {@code style}
 * @param message what is wrong
 * @param suggestion how to fix it, if there is a concrete fix
 * @param source {@code model} or {@code check} (deterministic)
 */
public record Finding(
        String path,
        int line,
        String side,
        String severity,
        String category,
        String message,
        String suggestion,
        String source) {

    public static int rank(String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> 4;
            case "major" -> 3;
            case "minor" -> 2;
            case "info" -> 1;
            default -> 0;
        };
    }
}
