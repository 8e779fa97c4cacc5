package io.dwcp.models.cli;

import static io.dwcp.models.cli.EvaluateInputsTest.assertError;
import static io.dwcp.models.cli.EvaluateInputsTest.evaluate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * How {@code main}'s command line reports errors: a user's mistake is one {@code error: <message>} line and exit 2;
 * anything else keeps its stack trace, also with exit 2.
 */
class ModelsCliErrorsTest {
    @TempDir
    Path tmp;

    /** A parse error found by picocli: the message, a pointer to --help, no usage dump, no stack trace. */
    @Test
    void badOptionValue() {
        EvaluateInputsTest.Run r = evaluate("evaluate", "--traces", "x", "--epochs", "many");
        assertError(r, "Invalid value for option '--epochs': 'many' is not an int");
        assertEquals("Try 'dwcp-models evaluate --help' for its options.", r.err().lines().skip(1).findFirst().orElse(""), r.err());
        assertEquals(2, r.err().lines().count(), r.err());
    }

    @Test
    void unknownOption() {
        EvaluateInputsTest.Run r = evaluate("evaluate", "--tracez");
        assertError(r, "Unknown option: '--tracez'");
        assertEquals(List.of("Possible solutions: --traces", "Try 'dwcp-models evaluate --help' for its options."),
                r.err().lines().skip(1).toList(), "picocli's suggestion, then the pointer: " + r.err());
    }

    /** A ParameterException a command throws from call(), after parsing. */
    @Test
    void commandRejectsTheOptionsTogether() {
        assertError(evaluate("evaluate"), "give exactly one of --traces, --nab or --degradation");
        assertError(evaluate("train", "--output-dir", tmp.toString(), "--models", "latency-univariate"),
                "--models latency-univariate needs --data-path <timestamp,value csv>");
    }

    /**
     * train --models latency-univariate on a series shorter than a probationary period and a point to score: an error
     * naming the option, the file and the minimum before anything trains (an ArrayIndexOutOfBoundsException before).
     */
    @Test
    void univariateSeriesTooShortOrMissing() throws Exception {
        Path csv = tmp.resolve("short.csv");
        EvaluateInputsTest.writeNab(csv, 40);
        Path out = tmp.resolve("out");
        assertError(evaluate("train", "--models", "latency-univariate", "--data-path", csv.toString(), "--output-dir", out.toString()),
                "--data-path " + csv + ": 40 points, fewer than the 41 latency-univariate needs (its probationary period and one point to score)");
        assertFalse(Files.exists(out.resolve("latency_univariate")), "nothing trained");
        assertFalse(Files.exists(out.resolve("summary.json")), "no summary of a run that did not start");

        Path missing = tmp.resolve("nowhere.csv");
        assertError(evaluate("train", "--models", "latency-univariate", "--data-path", missing.toString(), "--output-dir", out.toString()),
                "--data-path " + missing + ": not a file (latency-univariate takes one timestamp,value csv)");
    }

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("a bug");
        }
    }

    /** Not a user's mistake: the exception and its stack trace, still exit 2. */
    @Test
    void unexpectedExceptionKeepsItsStackTrace() {
        CommandLine cli = ModelsCli.commandLine().addSubcommand("boom", new Boom());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("boom"));
        assertEquals("error: java.lang.IllegalStateException: a bug", err.toString().lines().findFirst().orElse(""), err.toString());
        assertTrue(err.toString().contains("\tat io.dwcp.models.cli.ModelsCliErrorsTest$Boom.call"), err.toString());
    }
}
