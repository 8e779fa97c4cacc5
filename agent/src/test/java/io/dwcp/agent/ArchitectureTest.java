package io.dwcp.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the package structure (issue 13): no package cycles in the agent, and the agent reaches into
 * {@code models/} only through its serving-side API, so training internals can change freely.
 */
class ArchitectureTest {
    static JavaClasses agent;

    @BeforeAll
    static void importAgent() {
        agent = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.dwcp.agent");
    }

    @Test
    void noPackageCycles() {
        // Sub-packages of io.dwcp.agent are one slice each; the root package (AgentService, Application) is
        // the composition root: it may use everything, and nothing may use it.
        slices().matching("io.dwcp.agent.(*)..").should().beFreeOfCycles().check(agent);
        noClasses().that().resideOutsideOfPackage("io.dwcp.agent")
                .should().dependOnClassesThat().resideInAPackage("io.dwcp.agent").check(agent);
    }

    @Test
    void modelsOnlyThroughTheirServingApi() {
        // Serving API: serving (artifacts, predictors), features (schemas, scalers), history (the recording
        // format), data (the SLO type and the documented generators the demo draws from), eval (the trend
        // rule the baseline shares with evaluation). Training, graph building, reports and the CLI are not.
        noClasses().that().resideInAPackage("io.dwcp.agent..").and().resideOutsideOfPackage("io.dwcp.agent.demo..")
                .should().dependOnClassesThat().resideInAnyPackage("io.dwcp.models.train..", "io.dwcp.models.tf..",
                        "io.dwcp.models.nets..", "io.dwcp.models.report..", "io.dwcp.models.cli..",
                        "io.dwcp.models.forest..", "io.dwcp.models.compression..")
                .check(agent);
    }
}
