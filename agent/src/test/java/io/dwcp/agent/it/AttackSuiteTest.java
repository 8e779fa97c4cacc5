package io.dwcp.agent.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.bench.AttackSuite;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17 item 10, the short form CI runs: the attack suite against a real agent process started from this
 * class path with the unit's JVM options, 2 s floods (the full form: agent/RELIABILITY.md). No failing row.
 */
@Timeout(600)
class AttackSuiteTest {
    @Test
    void noAttackRowFails() throws Exception {
        int seconds = Integer.getInteger("dwcp.test.attack-seconds", 2);
        boolean edge = Boolean.getBoolean("dwcp.test.attack-edge");
        List<AttackSuite.Row> rows = AttackSuite.run(System.getProperty("java.class.path"), edge, seconds);
        String table = AttackSuite.table(rows, edge, seconds);
        System.out.println(table);
        assertTrue(rows.stream().allMatch(AttackSuite.Row::ok), table);
    }
}
