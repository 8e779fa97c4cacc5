package io.dwcp.models;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Package rules of models/ (issue 13), checked on the compiled main classes. A failure names the classes
 * and the dependency that broke the rule; fix the design rather than the rule (see each package-info).
 */
@AnalyzeClasses(packages = "io.dwcp.models", importOptions = ImportOption.DoNotIncludeTests.class)
class ModelsArchitectureTest {

    /** Was broken by compression.CodecProfile reading JSON through serving.ModelMetadata. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.dwcp.models.(*)..").should().beFreeOfCycles();

    /** What the agent loads must not drag in training, plotting or the CLI (xchart, progress bars, picocli). */
    @ArchTest
    static final ArchRule servingDoesNotNeedTraining = noClasses().that().resideInAPackage("io.dwcp.models.serving..")
            .should().dependOnClassesThat().resideInAnyPackage("io.dwcp.models.train..", "io.dwcp.models.cli..",
                    "io.dwcp.models.report..", "io.dwcp.models.eval..");
}
