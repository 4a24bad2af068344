package io.ragline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.platform.Ragline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The help page ({@code help.txt}, which {@code ./ragline help} prints before anything is built) against the picocli
 * commands it describes: every command is on the page, and every option the page shows exists on its command.
 */
class HelpPageTest {

    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z-]*");

    private static String page() throws IOException {
        try (InputStream in = Ragline.class.getResourceAsStream("help.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Both entry points' top-level commands, by name (the script sends bench-*, eval and measure-start to Bench). */
    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> all = new LinkedHashMap<>();
        all.putAll(new CommandLine(new Ragline()).getSubcommands());
        all.putAll(new CommandLine(new Bench()).getSubcommands());
        return all;
    }

    /** The page's command lines: two spaces, then a command, up to the settings section. */
    private static List<String> entries(String page) {
        List<String> entries = new ArrayList<>();
        for (String line : page.substring(0, page.indexOf("\nSettings")).split("\n")) {
            if (line.matches("  [a-z].*")) {
                entries.add(line.strip());
            }
        }
        return entries;
    }

    @Test
    void everyCommandIsOnThePage() throws IOException {
        Set<String> described = new TreeSet<>();
        entries(page()).forEach(e -> described.add(e.split(" ")[0]));

        assertThat(described).containsAll(commands().keySet());
        assertThat(commands().keySet()).containsAll(described);
    }

    @Test
    void everyOptionThePageShowsExistsOnItsCommand() throws IOException {
        Map<String, CommandLine> commands = commands();
        int checked = 0;
        for (String entry : entries(page())) {
            // "keys create --tenant T ... | list | revoke ID": each alternative names a subcommand of the first word
            String[] alternatives = entry.split(" \\| ");
            CommandLine top = commands.get(entry.split(" ")[0]);
            for (int i = 0; i < alternatives.length; i++) {
                String[] words = alternatives[i].strip().split("\\s+");
                CommandLine command = top;
                int next = i == 0 ? 1 : 0;
                if (next < words.length && command.getSubcommands().containsKey(words[next])) {
                    command = command.getSubcommands().get(words[next]);
                }
                Matcher m = OPTION.matcher(alternatives[i]);
                while (m.find()) {
                    assertThat(command.getCommandSpec().findOption(m.group()))
                            .as("%s in '%s'", m.group(), entry)
                            .isNotNull();
                    checked++;
                }
            }
        }
        assertThat(checked).as("options checked").isGreaterThan(20);
    }

    @Test
    void aWrongArgumentIsOneLineAndStatusTwo() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine line = io.ragline.platform.Commands.commandLine(new Ragline());
        line.setErr(new java.io.PrintWriter(err));

        int status = line.execute("keys", "create", "--tenant", "acme");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("ragline: Missing required option: '--name=NAME' (see ./ragline help keys create)");
    }
}
