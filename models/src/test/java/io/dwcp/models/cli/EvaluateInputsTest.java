package io.dwcp.models.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input folders of {@code evaluate --traces}, {@code --nab} and {@code --degradation}, through the command line
 * {@code main} runs: a folder that is missing, empty or holds only series too short for the mode is an error naming
 * the option and the folder, exit code 2, before any model is loaded or trained.
 */
class EvaluateInputsTest {
    @TempDir
    Path tmp;

    record Run(int rc, String out, String err) {}

    static Run evaluate(String... args) {
        var cli = ModelsCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = cli.execute(args);
        } finally {
            System.setOut(old);
        }
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    /** Exit 2 and, first on stderr, the line the user reads; no stack trace after it. */
    static void assertError(Run r, String message) {
        assertEquals(2, r.rc(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertEquals("error: " + message, first, r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    static void writeSteps(Path file, int steps) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < steps; t++) sb.append(t).append('\t').append(40 + (t * 7) % 13).append('\n');
        Files.writeString(file, sb.toString());
    }

    static void writeNab(Path file, int points) throws Exception {
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < points; i++) {
            sb.append(String.format("2014-02-14 %02d:%02d:00,%d%n", i / 60, i % 60, 10 + i % 5));
        }
        Files.writeString(file, sb.toString());
    }

    @Test
    void tracesMissingEmptyOrTooShort() throws Exception {
        Path missing = tmp.resolve("nowhere");
        assertError(evaluate("evaluate", "--traces", missing.toString()), "--traces " + missing + ": not a folder");

        Path file = Files.writeString(tmp.resolve("a-file.txt"), "0\t10\n");
        assertError(evaluate("evaluate", "--traces", file.toString()), "--traces " + file + ": not a folder");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertError(evaluate("evaluate", "--traces", empty.toString()),
                "--traces " + empty + ": no trace of at least 11 steps (after --resample 1) among its 0 files of <t_s>\\t<Mbps> lines");

        // 11 steps are enough at their own step; aggregated by 2 they are 5.
        Path shortOnes = Files.createDirectories(tmp.resolve("short"));
        writeSteps(shortOnes.resolve("a.txt"), 10);
        writeSteps(shortOnes.resolve("b.txt"), 11);
        assertError(evaluate("evaluate", "--traces", shortOnes.toString(), "--resample", "2"),
                "--traces " + shortOnes + ": no trace of at least 11 steps (after --resample 2) among its 2 files of <t_s>\\t<Mbps> lines");

        Path zeros = Files.createDirectories(tmp.resolve("zeros"));
        Files.writeString(zeros.resolve("z.txt"), "0\t0\n".repeat(30));
        assertError(evaluate("evaluate", "--traces", zeros.toString()),
                "--traces " + zeros + ": no trace with a non-zero throughput after its first 10 steps among its 1 files of <t_s>\\t<Mbps> lines");
    }

    /** --resample below 1 is refused at parsing, naming the option, in every mode that resamples. */
    @Test
    void resampleBelowOne() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("traces"));
        writeSteps(dir.resolve("a.txt"), 60);
        for (String mode : new String[] {"--traces", "--degradation"}) {
            for (String n : new String[] {"0", "-3"}) {
                Run r = evaluate("evaluate", mode, dir.toString(), "--resample", n);
                assertError(r, "--resample must be at least 1 (steps aggregated into one), got " + n);
                assertEquals("", r.out(), "nothing evaluated");
            }
        }
    }

    /** A short trace beside a usable one is left out, as before; the usable one is scored. */
    @Test
    @Timeout(60)
    void tracesSkipsTheShortOnesAndScoresTheRest() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mixed"));
        writeSteps(dir.resolve("a-short.txt"), 10);
        writeSteps(dir.resolve("b-long.txt"), 60);
        Run r = evaluate("evaluate", "--traces", dir.toString());
        assertEquals(0, r.rc(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals(1, j.get("traces").asInt(), j.toString());
        assertEquals("b-long.txt", j.get("per_trace").get(0).get("series").asText());
        assertEquals(50, j.get("overall").get("n").asInt(), "one forecast per step after the first window");
    }

    @Test
    void nabMissingEmptyOrTooShort() throws Exception {
        Path windows = Files.writeString(tmp.resolve("windows.json"), "{}");
        Path missing = tmp.resolve("nowhere");
        assertError(evaluate("evaluate", "--nab", missing.toString(), "--windows", windows.toString()),
                "--nab " + missing + ": not a folder");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("README.txt"), "not a series");
        assertError(evaluate("evaluate", "--nab", empty.toString(), "--windows", windows.toString()),
                "--nab " + empty + ": no series of at least 41 points among its 0 .csv files");

        Path nowin = tmp.resolve("no-windows.json");
        assertError(evaluate("evaluate", "--nab", empty.toString(), "--windows", nowin.toString()),
                "--windows " + nowin + ": not a file");

        Path shortOnes = Files.createDirectories(tmp.resolve("short"));
        writeNab(shortOnes.resolve("a.csv"), 40);
        writeNab(shortOnes.resolve("b.csv"), 3);
        Run r = evaluate("evaluate", "--nab", shortOnes.toString(), "--windows", windows.toString());
        assertError(r, "--nab " + shortOnes + ": no series of at least 41 points among its 2 .csv files");
        assertTrue(r.out().contains("skipped a.csv: 40 points, fewer than 41"), r.out());
    }

    /** The same checks, and the same exit code, as --traces. */
    @Test
    void degradationMissingOrEmpty() throws Exception {
        Path missing = tmp.resolve("nowhere");
        assertError(evaluate("evaluate", "--degradation", missing.toString()), "--degradation " + missing + ": not a folder");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertError(evaluate("evaluate", "--degradation", empty.toString()), "--degradation " + empty
                + ": no trace of at least 90 steps (after --resample 1) among its 0 files of <t_s>\\t<Mbps> lines");
    }
}
